"""`flask seed` loads the real taxonomies and organizations, idempotently; demo accounts (whose
password is published) only with --demo, and never beside real accounts unless told to."""

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.listings.models import Technology
from portal.listings.query import ListingFilter, listings_query
from portal.organizations.models import Organization
from portal.outbox.service import backlog
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY, TaxonomyArea
from tests.factories import make_user


@pytest.fixture
def demo_runner(app: Flask, runner: FlaskCliRunner) -> FlaskCliRunner:
    """The runner with the outbox left waiting: these tests check what `seed --demo` writes.
    Draining after its commits ranks matches for 500 listings batch by batch (about 40 s a run)
    and can never change the command's outcome (a failed drain is logged, the rows wait); the
    e2e portal seeds with the drain on and checks that it leaves nothing waiting."""
    app.config["OUTBOX_DRAIN_AFTER_COMMIT"] = False
    return runner


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (TaxonomyArea, Organization, User)
    )


def test_seed_twice_changes_nothing(runner: FlaskCliRunner) -> None:
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    counts = _counts()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts
    assert "plan 0 changed" in second.output and "0 added" in second.output


def test_seed_content(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    actions = db.session.scalars(
        select(TaxonomyArea).where(
            TaxonomyArea.taxonomy == PLAN_TAXONOMY, TaxonomyArea.level == "action"
        )
    ).all()
    assert len(actions) == 10
    storage = db.session.scalar(select(TaxonomyArea).where(TaxonomyArea.name == "储能技术"))
    assert storage.parent.code == "A01" and "钠离子电池" in storage.terms
    boiler = db.session.scalar(
        select(TaxonomyArea).where(
            TaxonomyArea.taxonomy == GREEN_INDUSTRY_TAXONOMY, TaxonomyArea.code == "1.1.1"
        )
    )
    assert boiler.name == "节能锅炉制造" and boiler.parent.name == "高效节能装备制造"
    assert boiler.parent.parent.name == "节能环保产业"
    assert db.session.scalar(select(Organization).where(Organization.name == "厦门大学"))


def test_seed_without_demo_makes_no_account(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert "Demo@2026" not in result.output and "@demo.xm" not in result.output


def test_seed_demo_makes_one_demo_account_per_role(demo_runner: FlaskCliRunner) -> None:
    result = demo_runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
    users = db.session.scalars(select(User)).all()
    assert {user.role for user in users} == set(Role) and all(user.is_demo for user in users)
    researcher = db.session.scalar(select(User).where(User.email == "researcher@demo.xm"))
    assert researcher.organization.name == "厦门大学" and researcher.check_password("Demo@2026")
    assert "Demo@2026" in result.output
    # The catalogue's first page, newest first, shows its breadth: many plan fields, and
    # every item summarised in its own words.
    first_page = db.session.scalars(listings_query(Technology, ListingFilter()).limit(20)).all()
    assert len({item.area.code.split(".")[0] for item in first_page if item.area}) >= 5
    assert len({item.summary for item in first_page}) == 20
    # Every listing is in the outbox, to be indexed and ranked by the drain left out here.
    listings = db.session.scalar(select(func.count()).select_from(Technology))
    assert listings > 300 and backlog() >= listings


def test_seed_demo_refuses_a_database_with_real_accounts(demo_runner: FlaskCliRunner) -> None:
    make_user("chief@real.xm", Role.ADMIN)
    refused = demo_runner.invoke(args=["seed", "--demo"])
    assert refused.exit_code != 0
    assert "1 real account" in refused.output and "--beside-real-accounts" in refused.output
    assert db.session.scalar(select(func.count()).select_from(TaxonomyArea)) == 0
    assert db.session.scalar(select(User).where(User.email == "admin@demo.xm")) is None
    allowed = demo_runner.invoke(args=["seed", "--demo", "--beside-real-accounts"])
    assert allowed.exit_code == 0, allowed.output
    assert db.session.scalar(select(User).where(User.email == "admin@demo.xm")).is_demo


def test_seeded_home_page_shows_the_plan(runner: FlaskCliRunner, client) -> None:  # noqa: ANN001
    runner.invoke(args=["seed"])
    page = client.get("/").get_data(as_text=True)
    assert "能源绿色低碳转型科技支撑行动" in page and "新能源发电技术" in page
    page = client.get("/taxonomy").get_data(as_text=True)
    assert "节能锅炉制造" in page
