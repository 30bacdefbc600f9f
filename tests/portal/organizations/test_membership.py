"""Joining an organization is a request its administrators (or a broker) decide; until then
the newcomer owns nothing of it. Administrators and brokers remove members; nobody removes
an organization's last administrator."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.audit.models import AuditLog
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.notifications.models import Notification
from portal.organizations import membership
from portal.organizations.models import JoinRequest, JoinState, Organization
from tests.factories import AuthActions, make_listing, make_user


@pytest.fixture
def xmu(people: dict[str, User]) -> Organization:
    org = people["researcher"].organization
    assert org is not None
    return org


@pytest.fixture
def xmu_admin(xmu: Organization) -> User:
    return make_user("xmu-admin@test.xm", Role.RESEARCHER, xmu, org_admin=True)


@pytest.fixture
def newcomer(app: Flask) -> User:
    """A verified researcher who belongs to no organization yet."""
    return make_user("newcomer@test.xm", Role.RESEARCHER)


def count(model: type, *where: object) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def notices(user: User, kind: str) -> int:
    return count(Notification, Notification.user_id == user.id, Notification.kind == kind)


def ask_to_join(client: FlaskClient, auth: AuthActions, user: User, org: Organization) -> None:
    auth.login(user.email)
    assert client.post(f"/orgs/{org.id}/join").status_code == 302
    auth.logout()


def the_request(user: User) -> JoinRequest:
    request = db.session.scalar(select(JoinRequest).where(JoinRequest.user_id == user.id))
    assert request is not None
    return request


def test_a_newcomer_who_asks_to_join_owns_nothing_of_the_organization(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], xmu: Organization
) -> None:
    # Before: choosing 厦门大学 at registration made the newcomer a member at once, able to read
    # its drafts and edit its page.
    draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    response = client.post(
        "/auth/register",
        data={
            "email": "intruder@test.xm",
            "name": "陌生人",
            "password": "a-long-password",
            "password_confirm": "a-long-password",
            "role": "researcher",
            "org_mode": "join",
            "organization_id": str(xmu.id),
            "org_kind": "university",
            "org_district": "",
        },
    )
    assert response.status_code == 302
    intruder = db.session.scalar(select(User).where(User.email == "intruder@test.xm"))
    assert intruder.organization_id is None
    assert client.get(f"/catalogue/{draft.id}").status_code == 404
    assert client.get(f"/orgs/{xmu.id}/edit").status_code == 403
    assert client.post(f"/catalogue/{draft.id}/archive").status_code == 404
    assert client.get(f"/orgs/{xmu.id}/members").status_code == 403


def test_approval_makes_the_requester_a_member(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    xmu: Organization,
    xmu_admin: User,
    newcomer: User,
) -> None:
    draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    ask_to_join(client, auth, newcomer, xmu)
    request = the_request(newcomer)
    assert request.state == JoinState.PENDING and newcomer.organization_id is None
    assert notices(xmu_admin, "membership.requested") == 1

    auth.login(xmu_admin.email)
    page = client.get(f"/orgs/{xmu.id}/members").get_data(as_text=True)
    assert "newcomer@test.xm" in page
    assert client.post(f"/orgs/{xmu.id}/requests/{request.id}/approve").status_code == 302
    auth.logout()

    db.session.refresh(newcomer)
    assert newcomer.organization_id == xmu.id and not newcomer.org_admin
    assert request.state == JoinState.APPROVED
    assert request.decided_by_id == xmu_admin.id and request.decided_at is not None
    assert count(AuditLog, AuditLog.action == "membership.approve") == 1
    assert notices(newcomer, "membership.approved") == 1
    auth.login(newcomer.email)
    assert client.get(f"/catalogue/{draft.id}").status_code == 200
    # Decided once: a second decision is refused and changes nothing.
    auth.logout()
    auth.login(xmu_admin.email)
    client.post(f"/orgs/{xmu.id}/requests/{request.id}/reject")
    assert request.state == JoinState.APPROVED and newcomer.organization_id == xmu.id


def test_rejection_leaves_the_requester_outside(
    client: FlaskClient, auth: AuthActions, xmu: Organization, xmu_admin: User, newcomer: User
) -> None:
    ask_to_join(client, auth, newcomer, xmu)
    request = the_request(newcomer)
    auth.login(xmu_admin.email)
    assert client.post(f"/orgs/{xmu.id}/requests/{request.id}/reject").status_code == 302
    db.session.refresh(newcomer)
    assert newcomer.organization_id is None and request.state == JoinState.REJECTED
    assert notices(newcomer, "membership.rejected") == 1
    assert count(AuditLog, AuditLog.action == "membership.reject") == 1


def test_a_broker_decides_for_an_organization_without_administrators(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], xmu: Organization
) -> None:
    newcomer = make_user("newcomer@test.xm", Role.RESEARCHER)
    ask_to_join(client, auth, newcomer, xmu)
    assert notices(people["broker"], "membership.requested") == 1
    auth.login("broker@test.xm")
    request = the_request(newcomer)
    assert client.post(f"/orgs/{xmu.id}/requests/{request.id}/approve").status_code == 302
    assert newcomer.organization_id == xmu.id


def test_others_cannot_decide(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    xmu: Organization,
    xmu_admin: User,
    newcomer: User,
) -> None:
    iue = people["other_researcher"].organization
    make_user("iue-admin@test.xm", Role.RESEARCHER, iue, org_admin=True)
    ask_to_join(client, auth, newcomer, xmu)
    request = the_request(newcomer)
    for email in ("iue-admin@test.xm", "researcher@test.xm", "enterprise@test.xm"):
        auth.login(email)
        assert client.post(f"/orgs/{xmu.id}/requests/{request.id}/approve").status_code == 403
        assert client.get(f"/orgs/{xmu.id}/members").status_code == 403
        auth.logout()
    # Another organization's id in the path does not reach this request.
    auth.login("iue-admin@test.xm")
    assert client.post(f"/orgs/{iue.id}/requests/{request.id}/approve").status_code == 404
    auth.logout()
    assert (
        client.post(f"/orgs/{xmu.id}/requests/{request.id}/approve").status_code == 302
    )  # to log in
    db.session.refresh(newcomer)
    assert request.state == JoinState.PENDING and newcomer.organization_id is None


def test_asking_twice_gives_one_request_and_one_notice(
    client: FlaskClient, auth: AuthActions, xmu: Organization, xmu_admin: User, newcomer: User
) -> None:
    auth.login(newcomer.email)
    for _ in range(3):
        client.post(f"/orgs/{xmu.id}/join")
    assert count(JoinRequest) == 1
    assert notices(xmu_admin, "membership.requested") == 1


def test_one_pending_request_at_a_time_and_only_matching_kinds(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], xmu: Organization
) -> None:
    newcomer = make_user("newcomer@test.xm", Role.RESEARCHER)
    iue = people["other_researcher"].organization
    firm = people["enterprise"].organization
    membership.request_to_join(newcomer, xmu)
    auth.login(newcomer.email)
    assert "待处理的加入申请" in client.post(
        f"/orgs/{iue.id}/join", follow_redirects=True
    ).get_data(as_text=True)
    assert "相符的机构" in client.post(f"/orgs/{firm.id}/join", follow_redirects=True).get_data(
        as_text=True
    )
    assert count(JoinRequest) == 1


def test_unverified_account_cannot_ask_to_join(
    client: FlaskClient, auth: AuthActions, xmu: Organization, xmu_admin: User
) -> None:
    unverified = make_user("unverified@test.xm", Role.RESEARCHER, verified=False)
    auth.login(unverified.email)
    assert client.post(f"/orgs/{xmu.id}/join").status_code == 403
    assert count(JoinRequest) == 0


def test_first_member_of_a_new_organization_administers_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    response = client.post(
        "/auth/register",
        data={
            "email": "founder@test.xm",
            "name": "创始人",
            "password": "a-long-password",
            "password_confirm": "a-long-password",
            "role": "enterprise",
            "org_mode": "create",
            "org_name": "厦门新公司有限公司",
            "org_kind": "enterprise",
            "org_district": "",
        },
    )
    assert response.status_code == 302
    founder = db.session.scalar(select(User).where(User.email == "founder@test.xm"))
    assert founder.organization is not None and founder.org_admin
    assert client.get(f"/orgs/{founder.organization_id}/members").status_code == 200


def test_requester_name_is_escaped_on_the_members_page(
    client: FlaskClient, auth: AuthActions, xmu: Organization, xmu_admin: User
) -> None:
    hostile = make_user("hostile@test.xm", Role.RESEARCHER)
    hostile.name = "<script>alert(1)</script>"
    db.session.commit()
    membership.request_to_join(hostile, xmu)
    db.session.commit()
    auth.login(xmu_admin.email)
    page = client.get(f"/orgs/{xmu.id}/members").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_administrator_removes_a_member(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    xmu: Organization,
    xmu_admin: User,
) -> None:
    member = people["researcher"]
    auth.login(xmu_admin.email)
    assert client.post(f"/orgs/{xmu.id}/members/{member.id}/remove").status_code == 302
    db.session.refresh(member)
    assert member.organization_id is None
    assert count(AuditLog, AuditLog.action == "membership.remove") == 1
    assert notices(member, "membership.removed") == 1
    auth.logout()
    auth.login(member.email)
    assert client.get(f"/orgs/{xmu.id}/edit").status_code == 403


def test_nobody_removes_the_last_administrator(
    client: FlaskClient, auth: AuthActions, xmu: Organization, xmu_admin: User
) -> None:
    auth.login(xmu_admin.email)
    page = client.post(f"/orgs/{xmu.id}/members/{xmu_admin.id}/remove", follow_redirects=True)
    assert "最后一位管理员" in page.get_data(as_text=True)
    auth.logout()
    auth.login("broker@test.xm")
    client.post(f"/orgs/{xmu.id}/members/{xmu_admin.id}/remove")
    db.session.refresh(xmu_admin)
    assert xmu_admin.organization_id == xmu.id and xmu_admin.org_admin
    # With a second administrator, the first may go.
    second = make_user("second-admin@test.xm", Role.RESEARCHER, xmu, org_admin=True)
    assert membership.may_remove(second, xmu_admin)
    membership.remove_member(second, xmu_admin)
    assert xmu_admin.organization_id is None and not xmu_admin.org_admin


def test_removal_is_for_own_organization_administrators_and_brokers(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], xmu: Organization
) -> None:
    iue = people["other_researcher"].organization
    make_user("iue-admin@test.xm", Role.RESEARCHER, iue, org_admin=True)
    member = people["researcher"]
    for email in ("iue-admin@test.xm", "other@test.xm", "enterprise@test.xm"):
        auth.login(email)
        assert client.post(f"/orgs/{xmu.id}/members/{member.id}/remove").status_code == 403
        auth.logout()
    auth.login("iue-admin@test.xm")
    assert client.post(f"/orgs/{iue.id}/members/{member.id}/remove").status_code == 404
    auth.logout()
    db.session.refresh(member)
    assert member.organization_id == xmu.id
    auth.login("broker@test.xm")
    assert client.post(f"/orgs/{xmu.id}/members/{member.id}/remove").status_code == 302
    db.session.refresh(member)
    assert member.organization_id is None


def test_a_removed_member_may_ask_again(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], xmu_admin: User
) -> None:
    member, xmu = people["researcher"], xmu_admin.organization
    assert xmu is not None
    membership.remove_member(xmu_admin, member)
    membership.request_to_join(member, xmu)
    membership.request_to_join(member, xmu)
    db.session.commit()
    assert [r.user_id for r in membership.pending_requests(xmu)] == [member.id]


def test_membership_services_leave_the_commit_to_the_caller(
    app: Flask, xmu: Organization, newcomer: User
) -> None:
    membership.request_to_join(newcomer, xmu)
    db.session.rollback()
    assert count(JoinRequest) == 0


def test_administrator_makes_a_second_administrator_and_takes_it_back(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    xmu: Organization,
    xmu_admin: User,
) -> None:
    member = people["researcher"]
    auth.login(xmu_admin.email)
    assert "设为管理员" in client.get(f"/orgs/{xmu.id}/members").get_data(as_text=True)
    assert client.post(f"/orgs/{xmu.id}/members/{member.id}/promote").status_code == 302
    db.session.refresh(member)
    assert member.org_admin
    assert notices(member, "membership.role") == 1
    # Now either may step down, but not both.
    assert client.post(f"/orgs/{xmu.id}/members/{xmu_admin.id}/demote").status_code == 302
    db.session.refresh(xmu_admin)
    assert not xmu_admin.org_admin
    assert count(AuditLog, AuditLog.action.in_(["membership.promote", "membership.demote"])) == 2
    auth.logout()
    auth.login(member.email)
    page = client.post(f"/orgs/{xmu.id}/members/{member.id}/demote", follow_redirects=True)
    assert "至少要有一位管理员" in page.get_data(as_text=True)
    db.session.refresh(member)
    assert member.org_admin


def test_only_own_administrators_and_brokers_change_roles(
    client: FlaskClient, auth: AuthActions, people: dict[str, User], xmu: Organization
) -> None:
    iue = people["other_researcher"].organization
    assert iue is not None
    make_user("iue-admin@test.xm", Role.RESEARCHER, iue, org_admin=True)
    member = people["researcher"]
    for email in ("iue-admin@test.xm", "researcher@test.xm", "enterprise@test.xm"):
        auth.login(email)
        assert client.post(f"/orgs/{xmu.id}/members/{member.id}/promote").status_code == 403
        auth.logout()
    auth.login("iue-admin@test.xm")
    # Another organization's member in the path: nothing to find there.
    assert client.post(f"/orgs/{iue.id}/members/{member.id}/promote").status_code == 404
    auth.logout()
    db.session.refresh(member)
    assert not member.org_admin
    auth.login("broker@test.xm")
    assert client.post(f"/orgs/{xmu.id}/members/{member.id}/promote").status_code == 302
    db.session.refresh(member)
    assert member.org_admin


def test_brokers_see_every_organizations_requests_and_decide_from_their_queue(
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    xmu: Organization,
    newcomer: User,
) -> None:
    iue = people["other_researcher"].organization
    assert iue is not None
    other = make_user("second-newcomer@test.xm", Role.RESEARCHER)
    membership.request_to_join(newcomer, xmu)
    membership.request_to_join(other, iue)
    db.session.commit()
    auth.login("broker@test.xm")
    page = client.get("/admin/verification").get_data(as_text=True)
    assert newcomer.email in page and other.email in page
    request = the_request(newcomer)
    response = client.post(
        f"/orgs/{xmu.id}/requests/{request.id}/approve", data={"next": "/admin/verification"}
    )
    assert response.status_code == 302 and response.location.endswith("/admin/verification")
    db.session.refresh(newcomer)
    assert newcomer.organization_id == xmu.id
    auth.logout()
    auth.login("researcher@test.xm")
    assert client.get("/admin/verification").status_code == 403


def test_admins_deactivate_accounts_from_the_users_page(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    target = people["enterprise"]
    auth.login("admin@test.xm")
    page = client.get("/admin/users").get_data(as_text=True)
    assert f"/auth/accounts/{target.id}/deactivate" in page
    # No button against oneself.
    assert f"/auth/accounts/{people['admin'].id}/deactivate" not in page
    response = client.post(
        f"/auth/accounts/{target.id}/deactivate", data={"next": "/admin/users"}
    )
    assert response.status_code == 302
    db.session.refresh(target)
    assert not target.active
