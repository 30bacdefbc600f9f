"""E-mail verification by a signed, expiring link: until it is opened an account cannot post,
express interest or ask to join an organization."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from portal.accounts import service
from portal.accounts.models import Role, User
from portal.api.tokens import issue_token
from portal.domain_errors import Refusal
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Need
from portal.matches.models import Match
from portal.notifications.models import Notification
from portal.organizations import membership
from portal.organizations.models import Organization, OrgKind
from portal.seed.accounts import ensure_demo_accounts
from tests.factories import (
    ApiClient,
    AuthActions,
    listing_data,
    make_org,
    make_published,
    make_user,
)

REGISTRATION = {
    "email": "new@xm-portal.cn",
    "name": "张三",
    "password": "a-long-password",
    "password_confirm": "a-long-password",
    "role": "researcher",
    "org_mode": "create",
    "org_name": "厦门新研究院",
    "org_kind": "institute",
    "org_district": "",
}


def mailed_link(caplog: pytest.LogCaptureFixture) -> str:
    match = re.search(r"http://localhost(/auth/verify/\S+)", caplog.text)
    assert match is not None, "no verification link was mailed"
    return match.group(1)


def registered(client: FlaskClient, caplog: pytest.LogCaptureFixture, **overrides: str) -> str:
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        assert client.post("/auth/register", data={**REGISTRATION, **overrides}).status_code == 302
    return mailed_link(caplog)


def account(email: str = "new@xm-portal.cn") -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def test_registration_mails_a_link_that_verifies_the_address(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    link = registered(client, caplog)
    assert not account().email_verified
    assert client.get("/catalogue/new").status_code == 403  # cannot post yet
    response = client.get(link, follow_redirects=True)
    assert "邮箱已验证" in response.get_data(as_text=True)
    assert account().email_verified
    assert client.get("/catalogue/new").status_code == 200
    # Opening it again changes nothing and refuses nothing.
    verified_at = account().email_verified_at
    client.get(link)
    assert account().email_verified_at == verified_at


def test_an_expired_link_is_refused(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    link = registered(client, caplog)
    app.config["EMAIL_VERIFICATION_MAX_AGE"] = -1  # every link is older than that
    response = client.get(link, follow_redirects=True)
    assert "验证链接已过期" in response.get_data(as_text=True)
    assert not account().email_verified


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
        lambda token: token.split(".")[0],
    ],
    ids=["signature", "payload", "garbage", "truncated"],
)
def test_a_tampered_link_is_refused(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, tamper: Callable[[str], str]
) -> None:
    link = registered(client, caplog)
    token = link.rsplit("/", 1)[1]
    response = client.get("/auth/verify/" + tamper(token), follow_redirects=True)
    assert "验证链接无效" in response.get_data(as_text=True)
    assert not account().email_verified


def test_a_link_verifies_only_the_account_and_address_it_was_made_for(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    alice = make_user("alice@test.xm", Role.RESEARCHER, verified=False)
    bob = make_user("bob@test.xm", Role.RESEARCHER, verified=False)
    with app.test_request_context():
        alices_link = f"/auth/verify/{service.make_verification_token(alice)}"
        reset_token = service.make_reset_token(bob)
    # Bob opening Alice's link (logged in) verifies Alice, not Bob.
    auth.login("bob@test.xm")
    client.get(alices_link)
    db.session.refresh(alice)
    db.session.refresh(bob)
    assert alice.email_verified and not bob.email_verified
    # A password-reset token (another salt) is not a verification link.
    response = client.get(f"/auth/verify/{reset_token}", follow_redirects=True)
    assert "验证链接无效" in response.get_data(as_text=True)
    assert not bob.email_verified
    # A link for an address the account no longer has is refused.
    with app.test_request_context():
        old_token = service.make_verification_token(bob)
    bob.email = "bob-new@test.xm"
    db.session.commit()
    with pytest.raises(Refusal):
        service.verify_email(old_token)


def test_unverified_account_cannot_post_or_express_interest(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    xmu = people["researcher"].organization
    firm = people["enterprise"].organization
    unverified = make_user("unverified@test.xm", Role.ENTERPRISE, firm, verified=False)
    technology = make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"])
    api = ApiClient(client, issue_token(unverified, "tests").secret)
    db.session.commit()
    assert api.post("/needs", listing_data(ListingKind.NEED)).status_code == 403
    assert api.post("/technologies", listing_data(ListingKind.PRODUCT)).status_code == 403
    auth.login(unverified.email)
    assert client.get("/needs/new").status_code == 403
    contact = f"/matches/contact/technology/{technology.id}"
    assert client.get(contact).status_code == 403
    assert client.post(contact, data={"message": "我们对此感兴趣"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0
    auth.logout()
    auth.login(people["enterprise"].email)  # the same, verified, may
    assert client.get(contact).status_code == 200
    assert xmu is not None


def test_a_request_made_at_registration_waits_for_verification(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    xmu = make_org("厦门大学", OrgKind.UNIVERSITY)
    admin = make_user("xmu-admin@test.xm", Role.RESEARCHER, xmu, org_admin=True)
    link = registered(
        client, caplog, org_mode="join", organization_id=str(xmu.id), org_kind="university"
    )
    # Nobody is asked to decide on behalf of an address nobody has confirmed.
    assert membership.pending_requests(xmu) == []
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
    client.get(link)
    assert [r.user.email for r in membership.pending_requests(xmu)] == ["new@xm-portal.cn"]
    assert (
        db.session.scalar(
            select(func.count()).where(
                Notification.user_id == admin.id, Notification.kind == "membership.requested"
            )
        )
        == 1
    )


def test_resend_is_rate_limited_and_silent_for_verified_accounts(
    client: FlaskClient, auth: AuthActions, caplog: pytest.LogCaptureFixture
) -> None:
    make_user("unverified@test.xm", Role.RESEARCHER, verified=False)
    auth.login("unverified@test.xm")
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        answers = [client.post("/auth/verify/resend").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert len(re.findall(r"/auth/verify/\S+", caplog.text)) == 3
    auth.logout()
    caplog.clear()
    make_user("verified@test.xm", Role.RESEARCHER)
    auth.login("verified@test.xm")
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        assert client.post("/auth/verify/resend").status_code == 302
    assert "/auth/verify/" not in caplog.text


def test_resend_needs_a_log_in(client: FlaskClient) -> None:
    response = client.post("/auth/verify/resend")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_accounts_made_by_an_administrator_or_the_demo_seed_are_verified(
    app: Flask, runner: FlaskCliRunner
) -> None:
    make_org("厦门大学", OrgKind.UNIVERSITY)
    result = runner.invoke(
        args=["users", "create", "staff@test.xm", "--role", "broker", "--password", "pw-12345678"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["users", "create", "prof@test.xm", "--role", "researcher", "--org", "厦门大学"]
        + ["--password", "pw-12345678"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert account("staff@test.xm").email_verified
    professor = account("prof@test.xm")
    assert professor.email_verified and professor.organization is not None
    assert professor.org_admin  # the organization's first member
    ensure_demo_accounts("Demo@2026")
    db.session.commit()
    demo = db.session.scalars(select(User).where(User.is_demo.is_(True))).all()
    assert demo and all(user.email_verified for user in demo)


def test_account_services_flush_and_refuse_with_domain_errors(app: Flask) -> None:
    org = make_org("厦门新研究院", OrgKind.INSTITUTE)
    user = service.register_user("a@test.xm", "a-long-password", "甲", Role.RESEARCHER, org.id)
    db.session.rollback()  # nothing was committed by the service
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    created = service.create_user("b@test.xm", "a-long-password", Role.BROKER)
    db.session.commit()
    with pytest.raises(Refusal) as refused:
        service.create_user("B@test.xm", "another-password", Role.BROKER)
    assert refused.value.code == "email_taken"
    with pytest.raises(Refusal) as refused:
        service.register_user("c@test.xm", "a-long-password", "丙", Role.BROKER, org.id)
    assert "role" in refused.value.fields
    service.authenticate("b@test.xm", "a-long-password")
    db.session.rollback()
    db.session.refresh(created)
    assert created.last_login_at is None  # the log-in time is the caller's to commit
    assert user is not None and db.session.get(Organization, org.id) is not None
