"""`flask --app wsgi patents import FILE | seed | link | retag | classify`: the shell side."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from portal.patents.links import link_technologies, suggest_aliases
from portal.patents.service import (
    FileRejected,
    ImportReport,
    classify_all,
    import_patents,
    retag_all,
)
from portal.transactions import unit_of_work

DEMO_DIR = Path(__file__).resolve().parents[2] / "seed_data" / "patents" / "demo"

log = logging.getLogger("portal.patents")

patents_cli = click.Group("patents", help="Patent navigation: import exports, demo data, links.")


def echo_report(report: ImportReport) -> None:
    click.echo(f"format: {report.format_label}; encoding: {report.encoding}; rows: {report.total}")
    click.echo("columns: " + ", ".join(f"{h} -> {f}" for f, h in report.mapped_columns.items()))
    if report.ignored_columns:
        click.echo(f"ignored columns: {len(report.ignored_columns)}")
    for warning in report.warnings[:50]:
        click.echo(f"warning: {warning}")
    for rejected in report.rejected[:200]:
        click.echo(f"row {rejected.row}: {rejected.header}: {rejected.reason}")
    if report.rejected:
        click.echo(f"rejected: {len(report.rejected)} rows; nothing imported")
        return
    verb = "would be" if report.dry_run else "were"
    click.echo(
        f"{report.imported} new patents and {report.updated} updated {verb} written; "
        f"{len(report.merged)} rows merged into another row or a stored patent"
    )


def run_import(
    path: Path, *, dry_run: bool, source: str = "", is_demo: bool = False
) -> ImportReport:
    """Import one file with a progress bar on the terminal; commits unless rejected or dry."""
    with click.progressbar(length=1, label=path.name[:40], file=sys.stderr) as bar:
        state = {"phase": ""}

        def progress(phase: str, done: int, total: int) -> None:
            if phase != state["phase"]:
                state["phase"] = phase
                bar.label = f"{phase} {path.name[:30]}"
                bar.length, bar.pos = max(total, 1), 0
            bar.update(done - bar.pos)

        with unit_of_work() as session:
            report = import_patents(
                path.name,
                path.read_bytes(),
                source=source,
                is_demo=is_demo,
                dry_run=dry_run,
                progress=progress,
            )
            if report.rejected or dry_run:
                session.rollback()
    return report


@patents_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and keep nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import a patent export (CSV or Excel), all rows or none (exit 1 on rejected rows)."""
    try:
        report = run_import(file, dry_run=dry_run)
    except FileRejected as exc:
        raise click.ClickException(str(exc)) from exc
    echo_report(report)
    log.info(
        "patent import of %s: %d rows, %d new, %d updated, %d merged, %d rejected",
        file.name,
        report.total,
        report.imported,
        report.updated,
        len(report.merged),
        len(report.rejected),
    )
    if report.rejected:
        click.get_current_context().exit(1)


@patents_cli.command("seed")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEMO_DIR)
def seed_command(data_dir: Path) -> None:
    """Load the demo patent exports (seed_data/patents/demo, see its SOURCE.txt); idempotent."""
    for path in sorted(p for p in data_dir.iterdir() if p.suffix in (".xlsx", ".csv")):
        source = f"demo: seed_data/patents/demo/{path.name} (see SOURCE.txt)"
        try:
            report = run_import(path, dry_run=False, source=source, is_demo=True)
        except FileRejected as exc:
            raise click.ClickException(f"{path.name}: {exc}") from exc
        echo_report(report)
        if report.rejected:
            raise click.ClickException(f"{path.name}: rows rejected, nothing loaded from it")
    link_command.callback()  # type: ignore[misc]


@patents_cli.command("link")
def link_command() -> None:
    """Link patents to the technologies that list them; suggest applicant aliases."""
    with unit_of_work():
        links = link_technologies()
        aliases = suggest_aliases()
    click.echo(f"technology links: {links}; applicant aliases suggested: {aliases}")


@patents_cli.command("retag")
def retag_command() -> None:
    """Recompute green topics of every stored patent from seed_data/patents/green_inventory.json."""
    with unit_of_work():
        changed = retag_all()
    click.echo(f"patents whose green topics changed: {changed}")


@patents_cli.command("classify")
def classify_command() -> None:
    """Recompute the carbon type and plan field of every stored patent from its text."""
    with unit_of_work():
        changed = classify_all()
    click.echo(f"patents whose carbon type or plan field changed: {changed}")
