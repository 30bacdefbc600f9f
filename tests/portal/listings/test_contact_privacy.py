"""A listing's contact person, e-mail and phone: only for those allowed to contact its owner
(and the owner and staff), on the page and in the API, anonymous or not."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind
from tests.factories import AuthActions, make_published

CONTACT = {
    "contact_name": "王工",
    "contact_email": "wang@xmu.edu.cn",
    "contact_phone": "0592-2180000",
}


@pytest.fixture
def technology(app: Flask, people: dict[str, User]) -> Listing:
    return make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **CONTACT)


@pytest.fixture
def need(app: Flask, people: dict[str, User]) -> Listing:
    return make_published(ListingKind.NEED, people["enterprise"], people["broker"], **CONTACT)


# (viewer, sees the technology's contact, sees the need's contact)
VIEWERS = [
    (None, False, False),
    ("researcher", True, True),  # owns the technology; researchers contact need owners
    ("other_researcher", False, True),
    ("enterprise", True, True),  # enterprises contact technology owners; owns the need
    ("other_enterprise", True, False),
    ("broker", True, True),
    ("admin", True, True),
]


def _contact_of(body: dict) -> tuple:
    return body["contact_name"], body["contact_email"], body["contact_phone"]


@pytest.mark.parametrize(("role", "sees_technology", "sees_need"), VIEWERS)
def test_api_contacts_only_for_those_allowed_to_contact(
    client: FlaskClient,
    people: dict[str, User],
    technology: Listing,
    need: Listing,
    role: str | None,
    sees_technology: bool,
    sees_need: bool,
) -> None:
    headers = {}
    if role:
        headers = {"Authorization": f"Bearer {issue_token(people[role], 'tests').secret}"}
        db.session.commit()
    hidden = (None, None, None)
    shown = tuple(CONTACT.values())
    for path, sees in (
        (f"/api/v1/technologies/{technology.id}", sees_technology),
        (f"/api/v1/needs/{need.id}", sees_need),
    ):
        assert _contact_of(client.get(path, headers=headers).json) == (shown if sees else hidden)
    [listed] = client.get("/api/v1/technologies", headers=headers).json["items"]
    assert _contact_of(listed) == (shown if sees_technology else hidden)


@pytest.mark.parametrize(("role", "sees_technology", "sees_need"), VIEWERS[1:])
def test_pages_show_contacts_only_to_those_allowed_to_contact(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    technology: Listing,
    need: Listing,
    role: str,
    sees_technology: bool,
    sees_need: bool,
) -> None:
    auth.login(people[role].email)
    assert ("wang@xmu.edu.cn" in client.get(f"/catalogue/{technology.id}").text) is sees_technology
    assert ("wang@xmu.edu.cn" in client.get(f"/needs/{need.id}").text) is sees_need


def test_anonymous_pages_show_no_contact(
    client: FlaskClient, technology: Listing, need: Listing
) -> None:
    assert "wang@xmu.edu.cn" not in client.get(f"/catalogue/{technology.id}").text
    assert "wang@xmu.edu.cn" not in client.get(f"/needs/{need.id}").text
