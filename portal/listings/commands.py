"""`flask --app wsgi listings ...`: scheduled jobs on listings."""

from __future__ import annotations

import click

from portal.listings.reminders import REMIND_DAYS_BEFORE, send_expiry_reminders
from portal.transactions import unit_of_work

listings_cli = click.Group("listings", help="Jobs on catalogue items and needs.")


@listings_cli.command("remind")
@click.option("--days", default=REMIND_DAYS_BEFORE, show_default=True, type=click.IntRange(1, 365))
def remind_command(days: int) -> None:
    """Notify owners of listings expiring within DAYS (safe to run daily: sends each once)."""
    with unit_of_work():
        sent = send_expiry_reminders(within_days=days)
    click.echo(f"expiry reminders sent: {sent}")
