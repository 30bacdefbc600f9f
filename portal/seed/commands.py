"""`flask --app wsgi seed`: taxonomies, organizations, demo accounts and demo listings."""

from __future__ import annotations

import os
from pathlib import Path

import click

from portal import PROJECT_ROOT
from portal.extensions import db
from portal.seed.accounts import ensure_demo_accounts, real_account_count
from portal.seed.demo_listings import load_demo_listings
from portal.seed.organizations import load_organizations
from portal.seed.taxonomy import load_green_industry_catalogue, load_plan_taxonomy

SEED_DATA = PROJECT_ROOT / "seed_data"
DEFAULT_DEMO_PASSWORD = "Demo@2026"


@click.command("seed")
@click.option(
    "--demo",
    is_flag=True,
    help="Also create the demo accounts (one per role, with a published password) and load "
    "the demo catalogue items and needs.",
)
@click.option(
    "--beside-real-accounts",
    is_flag=True,
    help="Allow --demo on a database that already holds real (non-demo) accounts.",
)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=SEED_DATA)
def seed_command(demo: bool, beside_real_accounts: bool, data_dir: Path) -> None:
    """Load taxonomies and organizations (idempotent); --demo adds demo accounts and listings.

    Without --demo no account is made: the first administrator of a real installation comes
    from `flask --app wsgi users create EMAIL --role admin`.
    """
    if demo and not beside_real_accounts and (real := real_account_count()):
        raise click.ClickException(
            f"this database has {real} real account(s); demo accounts, whose password is "
            "published, would sit beside them. Nothing was changed. Run with "
            "--beside-real-accounts if that is intended."
        )
    plan = load_plan_taxonomy(data_dir / "taxonomy" / "plan.json")
    industry = load_green_industry_catalogue(data_dir / "green_industry_2019" / "catalogue.csv")
    orgs = sum(load_organizations(path) for path in sorted((data_dir / "orgs").glob("*.json")))
    db.session.commit()
    click.echo(f"taxonomy: plan {plan} changed, green industry catalogue {industry} changed")
    click.echo(f"organizations: {orgs} added")
    if not demo:
        return
    password = os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)
    accounts = ensure_demo_accounts(password)
    db.session.commit()
    click.echo("demo accounts:")
    for account, created in accounts:
        state = f"created, password {password}" if created else "exists, password unchanged"
        click.echo(f"  {account.role.value:<10} {account.email:<22} {state}")
    report = load_demo_listings(data_dir / "demo")
    db.session.commit()
    added = ", ".join(f"{name} {count}" for name, count in report.added.items())
    click.echo(f"demo listings added: {added}; already there: {report.existing}")
    for reason in report.skipped:
        click.echo(f"  skipped {reason}")
