"""Command-line interface: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from portal import PROJECT_ROOT
from portal.accounts.models import Role
from portal.accounts.service import AccountError, create_user
from portal.api.cli import token_command
from portal.classification.commands import classify_cli
from portal.embeddings.commands import models_cli
from portal.extensions import db
from portal.imports.commands import import_command
from portal.listings.commands import listings_cli
from portal.matches.commands import match_cli
from portal.organizations.models import Organization
from portal.search_index.commands import search_cli
from portal.seed.accounts import ensure_demo_accounts
from portal.seed.demo_listings import load_demo_listings
from portal.seed.organizations import load_organizations
from portal.seed.taxonomy import load_green_industry_catalogue, load_plan_taxonomy

SEED_DATA = PROJECT_ROOT / "seed_data"
DEFAULT_DEMO_PASSWORD = "Demo@2026"

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
    """Create an account with any role (staff accounts are made here)."""
    organization = None
    if org_name:
        organization = db.session.scalar(select(Organization).where(Organization.name == org_name))
        if organization is None:
            raise click.ClickException(f"no organization named {org_name!r}")
    try:
        user = create_user(email, password, Role(role), organization, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.email} ({user.role})")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also load the demo catalogue items and needs.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=SEED_DATA)
def seed_command(demo: bool, data_dir: Path) -> None:
    """Load taxonomies, organizations and demo accounts (idempotent)."""
    plan = load_plan_taxonomy(data_dir / "taxonomy" / "plan.json")
    industry = load_green_industry_catalogue(data_dir / "green_industry_2019" / "catalogue.csv")
    orgs = sum(load_organizations(path) for path in sorted((data_dir / "orgs").glob("*.json")))
    password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    accounts = ensure_demo_accounts(password)
    db.session.commit()
    click.echo(f"taxonomy: plan {plan} changed, green industry catalogue {industry} changed")
    click.echo(f"organizations: {orgs} added")
    for account, created in accounts:
        state = f"created, password {password}" if created else "exists, password unchanged"
        click.echo(f"  {account.role.value:<10} {account.email:<22} {state}")
    if demo:
        report = load_demo_listings(data_dir / "demo")
        db.session.commit()
        added = ", ".join(f"{name} {count}" for name, count in report.added.items())
        click.echo(f"demo listings added: {added}; already there: {report.existing}")
        for reason in report.skipped:
            click.echo(f"  skipped {reason}")


def register_commands(app: Flask) -> None:
    users_cli.add_command(token_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_command)
    listings_cli.add_command(import_command)
    app.cli.add_command(listings_cli)
    app.cli.add_command(match_cli)
    app.cli.add_command(classify_cli)
    app.cli.add_command(models_cli)
    app.cli.add_command(search_cli)
