"""`flask --app wsgi listings import FILE --kind KIND --as EMAIL`: bulk import from the shell."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from portal.accounts.service import find_user_by_email
from portal.imports.service import FileRejected, ImportReport, import_listings
from portal.listings.kinds import ListingKind
from portal.security import Action, can

log = logging.getLogger("portal.imports")


def echo_report(report: ImportReport, dry_run: bool) -> None:
    click.echo(f"encoding: {report.encoding}")
    click.echo(f"rows: {report.total}")
    if report.ignored_columns:
        click.echo("ignored columns: " + ", ".join(report.ignored_columns))
    if report.new_organizations:
        verb = "would create" if dry_run else "created"
        click.echo(f"organizations {verb}: " + ", ".join(report.new_organizations))
    for rejected in report.rejected:
        click.echo(f"row {rejected.row}: {rejected.reason}")
    if report.rejected:
        click.echo(f"rejected: {len(report.rejected)} rows; nothing imported")
    elif dry_run:
        click.echo(f"dry run: {report.imported} rows would be imported as drafts")
    else:
        click.echo(f"imported: {report.imported} drafts")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice([kind.value for kind in ListingKind]), required=True)
@click.option("--create-orgs", is_flag=True, help="Create organizations the file names but lacks.")
@click.option("--dry-run", is_flag=True, help="Check every row and keep nothing.")
@click.option("--as", "actor_email", required=True, metavar="EMAIL", help="A broker or admin.")
def import_command(
    file: Path, kind: str, create_orgs: bool, dry_run: bool, actor_email: str
) -> None:
    """Import a CSV or Excel file of listings as drafts, all rows or none (exit 1 on rejects)."""
    actor = find_user_by_email(actor_email)
    if actor is None:
        raise click.ClickException(f"no account {actor_email!r}")
    if not can(actor, Action.IMPORT_LISTINGS):
        raise click.ClickException(f"{actor.email} ({actor.role.value}) may not import listings")
    try:
        report = import_listings(
            kind,
            file.name,
            file.read_bytes(),
            actor,
            create_missing_orgs=create_orgs,
            dry_run=dry_run,
        )
    except FileRejected as exc:
        raise click.ClickException(str(exc)) from exc
    echo_report(report, dry_run)
    log.info(
        "import of %s by %s: %d rows, %d imported, %d rejected, dry run %s",
        file.name,
        actor.email,
        report.total,
        report.imported,
        len(report.rejected),
        dry_run,
    )
    if report.rejected:
        click.get_current_context().exit(1)
