"""`flask roadshows ...`: the roadshow jobs (safe to run as often as wanted)."""

from __future__ import annotations

import click

from portal.model_mixins import utcnow
from portal.roadshows.invitations import send_due_reminders
from portal.roadshows.registrations import expire_offers
from portal.transactions import unit_of_work

roadshows_cli = click.Group("roadshows", help="Roadshow jobs: reminders and waiting-list offers.")


@roadshows_cli.command("remind")
@click.option(
    "--days",
    type=click.IntRange(1, 60),
    default=None,
    help="Days before the registration deadline (default: ROADSHOW_INVITATION_REMINDER_DAYS).",
)
def remind_command(days: int | None) -> None:
    """Remind pending invitees before the registration deadline (each once)."""
    with unit_of_work():
        sent = send_due_reminders(utcnow(), days)
    click.echo(f"invitation reminders sent: {sent}")


@roadshows_cli.command("offers")
def offers_command() -> None:
    """Lapse waiting-list offers not confirmed in time and offer the seats on."""
    with unit_of_work():
        lapsed = expire_offers(utcnow())
    click.echo(f"offers lapsed: {lapsed}")
