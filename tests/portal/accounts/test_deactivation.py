"""Staff deactivate accounts: brokers any non-staff account, admins any but their own.
Organization administrators remove members but do not deactivate them."""

from __future__ import annotations

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts import service
from portal.accounts.models import Role, User
from portal.audit.models import AuditLog
from portal.domain_errors import InvalidTransition, PermissionDenied
from portal.extensions import db
from tests.factories import AuthActions, make_user


def next_browser() -> None:
    # The suite's app context outlives requests and Flask-Login keeps the request's user on g;
    # each browser's request must start without the previous browser's user.
    g.pop("_login_user", None)


def deactivations() -> int:
    return (
        db.session.scalar(select(func.count()).where(AuditLog.action == "account.deactivate")) or 0
    )


def test_broker_deactivates_an_account_and_ends_its_sessions(
    app: Flask, people: dict[str, User]
) -> None:
    researcher = people["researcher"]
    researchers_browser = app.test_client()
    AuthActions(researchers_browser).login(researcher.email)
    assert researchers_browser.get("/auth/profile").status_code == 200

    next_browser()
    brokers_browser = app.test_client()
    AuthActions(brokers_browser).login("broker@test.xm")
    response = brokers_browser.post(f"/auth/accounts/{researcher.id}/deactivate")
    assert response.status_code == 302
    db.session.refresh(researcher)
    assert not researcher.active and deactivations() == 1
    next_browser()
    assert researchers_browser.get("/auth/profile").status_code == 302  # logged out
    assert AuthActions(researchers_browser).login(researcher.email).status_code == 400


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("researcher", "other_researcher"),  # an ordinary member
        ("xmu_admin", "researcher"),  # an organization administrator removes, not deactivates
        ("broker", "admin"),  # brokers do not end staff accounts
    ],
)
def test_others_cannot_deactivate(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], who: str, target: str
) -> None:
    people["xmu_admin"] = make_user(
        "xmu-admin@test.xm", Role.RESEARCHER, people["researcher"].organization, org_admin=True
    )
    auth.login(people[who].email)
    response = client.post(f"/auth/accounts/{people[target].id}/deactivate")
    assert response.status_code == 404  # no hint which ids are accounts
    db.session.refresh(people[target])
    assert people[target].active and deactivations() == 0


def test_admin_deactivates_staff_but_not_itself(people: dict[str, User]) -> None:
    admin, broker = people["admin"], people["broker"]
    service.deactivate_account(admin, broker)
    assert not broker.active
    with pytest.raises(InvalidTransition):
        service.deactivate_account(admin, admin)
    with pytest.raises(PermissionDenied):
        service.deactivate_account(people["enterprise"], people["researcher"])
    db.session.rollback()  # the service leaves the commit to its caller
    assert broker.active and deactivations() == 0
