"""`flask seed` loads the real taxonomies, organizations and demo accounts, idempotently."""

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.organizations.models import Organization
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY, TaxonomyArea


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
    roles = set(db.session.scalars(select(User.role)))
    assert roles == set(Role)
    researcher = db.session.scalar(select(User).where(User.email == "researcher@demo.xm"))
    assert researcher.organization.name == "厦门大学" and researcher.check_password("Demo@2026")
    assert "Demo@2026" in result.output


def test_seeded_home_page_shows_the_plan(runner: FlaskCliRunner, client) -> None:  # noqa: ANN001
    runner.invoke(args=["seed"])
    page = client.get("/").get_data(as_text=True)
    assert "能源绿色低碳转型科技支撑行动" in page and "新能源发电技术" in page
    page = client.get("/taxonomy").get_data(as_text=True)
    assert "节能锅炉制造" in page
