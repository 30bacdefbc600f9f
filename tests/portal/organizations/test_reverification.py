"""Changing a verified organization's public fields sends it back to verification (audited),
so the verified badge never vouches for text no broker has seen."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.organizations.models import Organization
from tests.factories import ApiClient, AuthActions


def verified_firm(people: dict[str, User]) -> Organization:
    org = people["enterprise"].organization
    assert org is not None
    org.verified, org.verified_at = True, utcnow()
    org.website, org.description = "https://firm.example.cn", "储能系统集成商"
    db.session.commit()
    return org


def unverifications() -> int:
    return (
        db.session.scalar(select(func.count()).where(AuditLog.action == "organization.unverify"))
        or 0
    )


def edit(client: FlaskClient, org: Organization, **changes: str) -> int:
    data = {"website": org.website or "", "description": org.description, "district": ""}
    return client.post(f"/orgs/{org.id}/edit", data={**data, **changes}).status_code


def test_editing_the_website_of_a_verified_organization_sends_it_back(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    org = verified_firm(people)
    auth.login("enterprise@test.xm")
    assert edit(client, org, website="https://phishing.example.com") == 302
    assert not org.verified and org.verified_at is None
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "organization.unverify"))
    assert entry.actor_id == people["enterprise"].id and entry.after["edited"] == ["website"]
    page = client.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "待认证" in page


def test_saving_unchanged_fields_keeps_the_verification(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    org = verified_firm(people)
    auth.login("enterprise@test.xm")
    assert edit(client, org) == 302
    assert org.verified and unverifications() == 0


def test_the_api_follows_the_same_rule(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    org = verified_firm(people)
    response = api["enterprise"].patch(f"/organizations/{org.id}", {"description": "新的简介"})
    assert response.status_code == 200 and response.get_json()["verified"] is False
    assert unverifications() == 1


def test_an_unverified_organization_is_edited_without_audit(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    org = people["enterprise"].organization
    auth.login("enterprise@test.xm")
    assert edit(client, org, description="新的简介") == 302
    assert org.description == "新的简介" and unverifications() == 0
