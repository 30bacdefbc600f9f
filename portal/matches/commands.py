"""`flask --app wsgi match evaluate FILE | recompute [--all] | notify`."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from embeddings.loading import embedder_status
from matching.evaluate import RANKING_HEADER, format_table
from matching.evaluations import evaluate_matching
from portal.embeddings.service import get_embedder
from portal.matches.ranking import match_weights
from portal.matches.recompute import recompute_all
from portal.matches.subscriptions import send_digests
from portal.transactions import unit_of_work

match_cli = click.Group("match", help="Offer-need matching: evaluate, recompute, notify.")


@match_cli.command("evaluate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def evaluate_command(path: Path) -> None:
    """Recall@10, MRR and nDCG@10 of the hybrid and of each part alone on labeled pairs
    (columns need_id, need_text, technology_id, technology_text, relevance 0-2)."""
    embedder = get_embedder()
    status = embedder_status()
    if status is not None and status.fallback:
        click.echo(f"warning: lexical fallback embedder in use ({status.reason})", err=True)
    started = time.perf_counter()
    rows = evaluate_matching(path, embedder, match_weights())
    click.echo(format_table(RANKING_HEADER, [row.row() for row in rows]))
    click.echo(f"embedder {embedder.name}; {time.perf_counter() - started:.1f} s")


@match_cli.command("recompute")
@click.option("--all", "everything", is_flag=True, help="Every open listing, not only stale ones.")
def recompute_command(everything: bool) -> None:
    """Rank open listings and store their suggested matches (listings never ranked or edited
    since their last ranking; every one with --all)."""
    started = time.perf_counter()
    with unit_of_work(), ExitStack() as bars:
        shown: list[Any] = []  # the bar, once there is something to rank

        def progress(done: int, total: int) -> None:
            if not total:
                return  # nothing to rank: no bar
            if not shown:
                bar = click.progressbar(length=total, label="ranking listings", show_pos=True)
                shown.append(bars.enter_context(bar))
            shown[0].length = total  # grows while technologies name the needs they touch
            shown[0].update(done - shown[0].pos)

        report = recompute_all(only_stale=not everything, progress=progress)
    click.echo(
        f"ranked {report.needs_ranked} needs and {report.technologies_ranked} technologies, "
        f"{report.matches_stored} matches stored, {report.listings_retired} closed listings "
        f"retired in {time.perf_counter() - started:.1f} s"
    )


@match_cli.command("notify")
def notify_command() -> None:
    """Send each subscriber a digest of new matches (at most one a day per subscription)."""
    with unit_of_work():
        report = send_digests()
    click.echo(
        f"digests sent {report.sent}, nothing new {report.nothing_new}, "
        f"sent within the last day {report.too_soon}, no longer allowed {report.no_access}"
    )
