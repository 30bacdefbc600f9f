"""`flask --app wsgi users ...`: account commands (staff accounts are made here)."""

from __future__ import annotations

import click
from sqlalchemy import select

from portal.accounts.models import Role
from portal.accounts.service import create_user
from portal.domain_errors import Refusal
from portal.extensions import db
from portal.organizations.models import Organization
from portal.transactions import unit_of_work

users_cli = click.Group("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_name", help="Name of an existing organization to join.")
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked when not given).")
def create_user_command(
    email: str, role: str, org_name: str | None, name: str, password: str
) -> None:
    """Create an account with any role (staff accounts are made here). Its address counts as
    verified; with --org it is a member at once (the organization's administrator if first)."""
    organization = None
    if org_name:
        organization = db.session.scalar(select(Organization).where(Organization.name == org_name))
        if organization is None:
            raise click.ClickException(f"no organization named {org_name!r}")
    try:
        with unit_of_work():
            user = create_user(email, password, Role(role), organization, name)
    except Refusal as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"created {user.email} ({user.role})")
