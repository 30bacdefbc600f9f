"""`flask --app wsgi search reindex|sync|status|evaluate`."""

from __future__ import annotations

import tempfile
import time
import uuid
from pathlib import Path

import click
from flask import current_app

from portal.embeddings.service import get_embedder
from portal.search_index.backends import get_backends, setting
from portal.search_index.documents import PORTAL_DOC_TYPES
from portal.search_index.service import reindex, reindex_size, search_status, sync
from search.documents import IndexOfAnotherDatabase
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend
from search.evaluate import evaluate_backend, format_table, load_csl_papers

search_cli = click.Group("search", help="Keep the search indices in step with the database.")


@search_cli.command("reindex")
@click.option(
    "--type",
    "doc_types",
    multiple=True,
    type=click.Choice(list(PORTAL_DOC_TYPES)),
    help="Only this document type (repeatable); every type by default.",
)
def reindex_command(doc_types: tuple[str, ...]) -> None:
    """Rebuild indices from the database (Elasticsearch: new index, then the alias swaps)."""
    types = list(doc_types or PORTAL_DOC_TYPES)
    total = reindex_size(types)
    started = time.perf_counter()
    with click.progressbar(length=total, label="indexing", show_pos=True) as bar:
        counts = reindex(types, progress=bar.update)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{t} {n}" for t, n in counts.items())
    names = " + ".join(b.name for b in get_backends().all)
    click.echo(f"reindexed {summary} into {names} in {elapsed:.1f} s")


@search_cli.command("sync")
def sync_command() -> None:
    """Drain the outbox and remove listings that expired since they were indexed."""
    report = sync(current_app._get_current_object())  # type: ignore[attr-defined]
    drained = report.drained
    click.echo(
        f"outbox: {drained.done} done, {drained.backlog} waiting; "
        f"expired listings removed from the index: {report.expired_removed}"
    )
    if not drained.ok:
        errors = "; ".join(f"{name}: {error}" for name, error in drained.errors.items())
        raise click.ClickException(f"some changes wait for the next sync ({errors})")


@search_cli.command("status")
def status_command() -> None:
    """Per type: rows that belong in the index vs documents in each index; the outbox backlog."""
    try:
        status = search_status()
    except IndexOfAnotherDatabase as error:
        raise click.ClickException(
            f"{error}: point SEARCH_INDEX_DIR at a folder of this database's own "
            "(or leave it unset), then run `search reindex`"
        ) from error
    elastic = status.elasticsearch_url is not None
    header = f"{'type':<14}{'database':>10}{'embedded':>10}"
    click.echo(header + (f"{'elasticsearch':>15}" if elastic else ""))
    for row in status.types:
        line = f"{row.doc_type:<14}{row.in_database:>10}{row.in_embedded:>10}"
        if elastic:
            line += f"{row.in_elasticsearch if row.in_elasticsearch is not None else '-':>15}"
        click.echo(line)
    click.echo(f"outbox backlog: {status.backlog} ({status.failing} failed at least once)")
    if status.last_error:
        click.echo(f"last error: {status.last_error}")
    click.echo(f"embedder: {status.embedder}")
    source = (
        "set by SEARCH_INDEX_DIR" if status.embedded_dir_configured else "derived from the database"
    )
    click.echo(f"embedded index: {status.embedded_dir} ({source})")
    click.echo(f"embedded index belongs to database: {status.embedded_database}")
    if status.stale_vectors:
        click.echo(f"embedded vectors were made by {status.stale_vectors}: run `search reindex`")
    if elastic:
        state = "healthy" if status.elasticsearch_healthy else "UNREACHABLE"
        click.echo(f"elasticsearch: {status.elasticsearch_url} {state}")


@search_cli.command("evaluate")
@click.option(
    "--backend",
    "backend_name",
    type=click.Choice(["embedded", "elasticsearch"]),
    default="embedded",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(min=1), help="Use only the first N papers.")
@click.option(
    "--split",
    type=click.Choice(["calibration", "test"]),
    help="Only this half of each query set (CSL: odd / even papers); both by default.",
)
def evaluate_command(backend_name: str, limit: int | None, split: str | None) -> None:
    """Recall@10 and MRR per mode: short queries (CSL title and keywords -> abstract) and long
    ones (problem-voiced needs -> the demo catalogue).

    Runs on a scratch index (a temporary file, or Elasticsearch indices under a throw-away
    prefix), so the portal's own indices are not touched.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    embedder = get_embedder(app)
    papers = load_csl_papers()[:limit] if limit else load_csl_papers()
    with tempfile.TemporaryDirectory() as scratch:
        if backend_name == "embedded":
            backend = EmbeddedBackend(Path(scratch) / "evaluate.sqlite3", embedder)
        else:
            url = app.config.get("ELASTICSEARCH_URL")
            if not url:
                raise click.ClickException("ELASTICSEARCH_URL is not set")
            prefix = (
                f"{setting(app, 'SEARCH_INDEX_PREFIX', 'lowcarbon-')}eval-{uuid.uuid4().hex[:6]}-"
            )
            backend = ElasticsearchBackend(url, embedder, index_prefix=prefix)
        click.echo(
            f"{len(papers)} CSL papers and the problem-voiced needs, "
            f"embedder {embedder.name}, backend {backend.name}"
        )
        started = time.perf_counter()
        try:
            with click.progressbar(length=1, label="evaluating") as bar:

                def progress(done: int, todo: int) -> None:
                    bar.length = todo
                    bar.update(done - bar.pos)

                rows = evaluate_backend(backend, papers, split=split, progress=progress)
        finally:
            if isinstance(backend, ElasticsearchBackend):
                backend.drop_all()
            backend.close()
    click.echo(format_table(rows, backend.name))
    click.echo(f"({time.perf_counter() - started:.0f} s)")
