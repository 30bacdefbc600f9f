"""How a deal stands (negotiating, contracted ...) is for the two organizations and staff only."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.matches.models import Match, MatchState
from tests.factories import BATTERY, STORAGE_NEED, AuthActions, make_published

NEGOTIATING_BADGE = "洽谈中"


@pytest.fixture
def negotiating(app: Flask, people: dict[str, User]) -> Match:
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    match = db.session.scalar(select(Match))
    match.state = MatchState.NEGOTIATING
    db.session.commit()
    return match


# Who sees the state: the technology's and the need's organizations, brokers and admins.
VIEWERS = [
    (None, False),
    ("other@test.xm", False),
    ("other-ent@test.xm", False),
    ("researcher@test.xm", True),  # the technology's organization
    ("enterprise@test.xm", True),  # the need's organization
    ("broker@test.xm", True),
    ("admin@test.xm", True),
]


@pytest.mark.parametrize(("email", "sees"), VIEWERS)
def test_the_need_page_shows_the_deal_state_to_the_parties_only(
    client: FlaskClient, auth: AuthActions, negotiating: Match, email: str | None, sees: bool
) -> None:
    if email:
        auth.login(email)
    page = client.get(f"/needs/{negotiating.need_id}").get_data(as_text=True)
    assert BATTERY["title"] in page  # the match itself is public
    assert (NEGOTIATING_BADGE in page) is sees


@pytest.mark.parametrize(("email", "sees"), VIEWERS)
def test_the_api_gives_the_deal_state_to_the_parties_only(
    client: FlaskClient, auth: AuthActions, negotiating: Match, email: str | None, sees: bool
) -> None:
    if email:
        auth.login(email)
    [item] = client.get(f"/api/v1/needs/{negotiating.need_id}/matches").json["items"]
    assert item["match_id"] == negotiating.id
    assert item.get("state") == ("negotiating" if sees else None)
    assert ("state" in item) is sees


def test_the_organization_that_reached_out_sees_its_deal(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], negotiating: Match
) -> None:
    negotiating.contacting_org_id = people["other_enterprise"].organization_id
    db.session.commit()
    auth.login("other-ent@test.xm")
    [item] = client.get(f"/api/v1/needs/{negotiating.need_id}/matches").json["items"]
    assert item["state"] == "negotiating"
