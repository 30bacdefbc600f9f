"""`flask roadshows ...`: the roadshow jobs (safe to run as often as wanted)."""

from __future__ import annotations

import click

from portal.model_mixins import utcnow
from portal.roadshows.demo import make_demo_roadshows
from portal.roadshows.registrations import expire_offers
from portal.roadshows.reminders import send_due_reminders
from portal.transactions import unit_of_work

roadshows_cli = click.Group("roadshows", help="Roadshow jobs: reminders and waiting-list offers.")


@roadshows_cli.command("remind")
def remind_command() -> None:
    """Send the reminders due now: pending invitees, registered people (each once)."""
    with unit_of_work():
        sent = send_due_reminders(utcnow())
    click.echo(f"invitation reminders sent: {sent.invitees}")
    click.echo(f"event reminders sent: {sent.registered}")


@roadshows_cli.command("offers")
def offers_command() -> None:
    """Lapse waiting-list offers not confirmed in time and offer the seats on."""
    with unit_of_work():
        lapsed = expire_offers(utcnow())
    click.echo(f"offers lapsed: {lapsed}")


@roadshows_cli.command("demo")
def demo_command() -> None:
    """Demo roadshows on a demo installation (after `seed --demo`; made once)."""
    with unit_of_work():
        made = make_demo_roadshows(utcnow())
    click.echo(f"demo roadshows made: {made}")
