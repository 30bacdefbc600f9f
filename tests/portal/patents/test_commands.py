"""`patents seed` and `patents link`: demo exports loaded once, technologies linked."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.patents.links import add_alias, linked_organizations
from portal.patents.models import Patent, PatentTechnology
from portal.patents.service import import_patents
from tests.factories import make_listing, org_of

DATA = Path(__file__).resolve().parents[2] / "data" / "patents"


def test_seed_loads_demo_files_idempotently(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    shutil.copy(DATA / "google-uav.csv", tmp_path / "google-uav.csv")
    for _ in range(2):
        result = runner.invoke(args=["patents", "seed", "--data", str(tmp_path)])
        assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Patent)) == 29
    stored = db.session.scalar(select(Patent).limit(1))
    assert stored.is_demo and "seed_data/patents/demo/google-uav.csv" in stored.source


def test_link_ties_listed_patent_numbers_and_confirmed_aliases(
    app: Flask, runner: FlaskCliRunner, people: dict
) -> None:
    import_patents("apollo.csv", (DATA / "patentics-apollo.csv").read_bytes())
    technology = make_listing(
        ListingKind.TECHNOLOGY,
        people["researcher"],
        patent_numbers=["CN114285873A", "ZL202111495169.5", "CN999999999A"],
    )
    db.session.commit()
    result = runner.invoke(args=["patents", "link"])
    assert result.exit_code == 0, result.output
    linked = set(db.session.scalars(select(PatentTechnology.patent_id)))
    numbers = set(
        db.session.scalars(select(Patent.publication_number).where(Patent.id.in_(linked)))
    )
    assert numbers == {"CN114285873A", "CN114261338A"}  # by publication and application number
    assert technology.id in set(db.session.scalars(select(PatentTechnology.technology_id)))

    patent = db.session.scalar(select(Patent).where(Patent.publication_number == "CN114285873A"))
    org = org_of(people["researcher"])
    add_alias(people["broker"], "阿波罗智联(北京)科技有限公司", org)
    db.session.commit()
    assert linked_organizations(patent) == {0: org}
