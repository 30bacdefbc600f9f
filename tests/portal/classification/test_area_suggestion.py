"""Area suggestions on the posting form: the suggest widget, and the server-side default."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import PROJECT_ROOT
from portal.accounts.models import User
from portal.classification.area_defaults import with_suggested_area
from portal.extensions import db
from portal.listings.models import Technology
from portal.seed.taxonomy import load_plan_taxonomy
from tests.factories import AuthActions

SOLAR_FORM = {
    "title": "屋顶分布式光伏发电系统",
    "summary": "工商业屋顶分布式光伏发电系统，自发自用，余电上网，年发电量约 120 万千瓦时。",
    "trl": "7",
}


def _load_plan() -> None:
    load_plan_taxonomy(PROJECT_ROOT / "seed_data" / "taxonomy" / "plan.json")
    db.session.commit()


def test_form_offers_suggestions(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("researcher@test.xm")
    body = client.get("/catalogue/new").get_data(as_text=True)
    assert 'id="area-suggest"' in body and 'data-url="/api/v1/classify/area"' in body


def test_empty_area_is_filled_from_the_text(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    _load_plan()
    auth.login("researcher@test.xm")
    response = client.post("/catalogue/new", data={**SOLAR_FORM, "area": ""})
    assert response.status_code == 302
    listing = db.session.scalar(select(Technology))
    assert listing is not None and listing.area is not None
    assert listing.area.code == "A01.01"  # 新能源发电技术


def test_chosen_area_is_kept(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    _load_plan()
    auth.login("researcher@test.xm")
    client.post("/catalogue/new", data={**SOLAR_FORM, "area": "A01.03"})
    listing = db.session.scalar(select(Technology))
    assert listing is not None and listing.area is not None and listing.area.code == "A01.03"


def test_no_default_without_text_or_taxonomy(app: Flask) -> None:
    assert with_suggested_area({"title": "光伏", "area": ""})["area"] == ""
    # the plan taxonomy is not loaded: no suggestion names an existing area
    assert with_suggested_area({**SOLAR_FORM, "area": None})["area"] is None
    _load_plan()
    assert with_suggested_area({**SOLAR_FORM, "area": None})["area"] == "A01.01"
