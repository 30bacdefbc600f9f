"""`flask --app wsgi users token EMAIL`: print a new bearer token for an account."""

from __future__ import annotations

import click

from portal.accounts.service import find_user_by_email
from portal.api.tokens import TokenError, issue_token
from portal.transactions import unit_of_work


@click.command("token")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def token_command(email: str, name: str) -> None:
    """Create an API token for EMAIL and print it (it is shown only this once)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with e-mail {email!r}")
    try:
        with unit_of_work():
            issued = issue_token(user, name)
    except TokenError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(issued.secret)
