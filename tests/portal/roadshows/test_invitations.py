"""Invitations: personal single-use links bound to the invitee's e-mail, answers, reminders."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from portal.accounts.models import Role, User
from portal.domain_errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from portal.extensions import db
from portal.notifications.models import Notification
from portal.roadshows import invitations, service
from portal.roadshows.models import InvitationState, Roadshow, RoadshowInvitation
from tests.factories import AuthActions, make_org, make_user
from tests.portal.roadshows.conftest import calendar_attached

LINK = re.compile(r"http://localhost/roadshows/invitations/([A-Za-z0-9_-]+)")


def link_for(secret: str) -> str:
    return f"http://localhost/roadshows/invitations/{secret}"


def secret_in_notice(user: User) -> str:
    notice = (
        db.session.query(Notification).filter_by(user_id=user.id, kind="roadshow.invited").one()
    )
    found = LINK.search(notice.body)
    assert found is not None
    return found.group(1)


@pytest.fixture
def invited(roadshow: Roadshow, people: dict[str, User]) -> RoadshowInvitation:
    firm = people["enterprise"].organization
    assert firm is not None
    created = invitations.invite_organization(people["broker"], roadshow, firm.id, link_for)
    db.session.commit()
    return created[0]


def test_each_member_gets_a_notice_with_a_personal_link(
    roadshow: Roadshow, people: dict[str, User], mails: list[EmailMessage]
) -> None:
    firm = people["enterprise"].organization
    colleague = make_user("colleague@test.xm", Role.ENTERPRISE, firm)
    sent = invitations.invite_organization(people["broker"], roadshow, firm.id, link_for)
    db.session.commit()
    assert {invitation.email for invitation in sent} == {"enterprise@test.xm", colleague.email}
    # Each invitation mail carries the roadshow's calendar entry.
    assert sorted(mail["To"] for mail in mails) == [colleague.email, "enterprise@test.xm"]
    for mail in mails:
        (event,) = calendar_attached(mail).walk("VEVENT")
        assert str(event["summary"]) == roadshow.title
        assert event.decoded("dtstart").hour == 14
    assert secret_in_notice(people["enterprise"]) != secret_in_notice(colleague)
    # Only a digest is stored, never the secret itself.
    secret = secret_in_notice(colleague)
    assert all(secret != invitation.token_hash for invitation in sent)
    # Inviting again sends nothing twice.
    assert invitations.invite_organization(people["broker"], roadshow, firm.id, link_for) == []
    assert db.session.query(Notification).filter_by(kind="roadshow.invited").count() == 2


def test_inviting_is_for_staff_and_for_open_or_planned_roadshows(
    roadshow: Roadshow, people: dict[str, User]
) -> None:
    firm = people["enterprise"].organization
    with pytest.raises(PermissionDenied):
        invitations.invite_organization(people["enterprise"], roadshow, firm.id, link_for)
    with pytest.raises(NotFound):
        invitations.invite_organization(people["broker"], roadshow, 999_999, link_for)
    empty = make_org("没有账号的企业")
    with pytest.raises(Conflict):
        invitations.invite_organization(people["broker"], roadshow, empty.id, link_for)
    service.move_roadshow(people["broker"], roadshow, "open")
    service.move_roadshow(people["broker"], roadshow, "closed")
    with pytest.raises(InvalidTransition):
        invitations.invite_organization(people["broker"], roadshow, firm.id, link_for)


def test_the_link_works_once_and_only_for_the_invited_email(
    client: FlaskClient, auth: AuthActions, invited: RoadshowInvitation, people: dict[str, User]
) -> None:
    secret = secret_in_notice(people["enterprise"])
    path = f"/roadshows/invitations/{secret}"
    assert client.get(path).status_code == 302  # log in first
    auth.login("other-ent@test.xm")
    assert client.get(path).status_code == 403  # someone else's invitation
    assert client.post(path, data={"accept": "1"}).status_code == 403
    auth.logout()
    auth.login("enterprise@test.xm")
    assert client.get("/roadshows/invitations/forged-secret").status_code == 404
    page = client.get(path)
    assert page.status_code == 200 and "储能技术专场路演" in page.text
    assert client.post(path, data={"accept": "maybe"}).status_code == 200  # not an answer
    assert client.post(path, data={"accept": "1"}).status_code == 302
    db.session.refresh(invited)
    assert invited.state is InvitationState.ACCEPTED and invited.token_hash is None
    assert client.get(path).status_code == 404  # used up
    assert client.post(path, data={"accept": "0"}).status_code == 404
    db.session.refresh(invited)
    assert invited.state is InvitationState.ACCEPTED


def test_an_invitee_answers_on_the_roadshow_page_too(
    client: FlaskClient,
    auth: AuthActions,
    roadshow: Roadshow,
    invited: RoadshowInvitation,
    people: dict[str, User],
) -> None:
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    auth.login("other-ent@test.xm")
    assert "受邀参加" not in client.get(f"/roadshows/{roadshow.id}").text
    refused = client.post(f"/roadshows/invitations/{invited.id}/answer", data={"accept": "1"})
    assert refused.status_code == 403
    auth.logout()
    auth.login("enterprise@test.xm")
    assert "受邀参加" in client.get(f"/roadshows/{roadshow.id}").text
    client.post(f"/roadshows/invitations/{invited.id}/answer", data={"accept": "0"})
    db.session.refresh(invited)
    assert invited.state is InvitationState.DECLINED
    again = client.post(f"/roadshows/invitations/{invited.id}/answer", data={"accept": "1"})
    assert again.status_code == 302
    db.session.refresh(invited)
    assert invited.state is InvitationState.DECLINED


def test_pending_invitees_are_reminded_once_before_the_deadline(
    runner: FlaskCliRunner,
    roadshow: Roadshow,
    invited: RoadshowInvitation,
    people: dict[str, User],
) -> None:
    other = people["other_enterprise"].organization
    answered = invitations.invite_organization(people["broker"], roadshow, other.id, link_for)[0]
    invitations.respond(people["other_enterprise"], answered, accept=False)
    db.session.commit()
    deadline = roadshow.registration_deadline
    assert invitations.remind_pending_invitees(deadline - timedelta(days=4), 3) == 0  # too early
    assert invitations.remind_pending_invitees(deadline + timedelta(minutes=1), 3) == 0  # too late
    assert invitations.remind_pending_invitees(deadline - timedelta(days=2), 3) == 1
    assert invitations.remind_pending_invitees(deadline - timedelta(days=1), 3) == 0  # sent once
    db.session.commit()
    reminders = db.session.query(Notification).filter_by(kind="roadshow.invitation_reminder")
    assert [notice.user_id for notice in reminders] == [people["enterprise"].id]
    result = runner.invoke(args=["roadshows", "remind"])
    assert result.exit_code == 0 and "invitation reminders sent: 0" in result.output


def test_the_broker_invites_from_the_proposals_page(
    client: FlaskClient, auth: AuthActions, roadshow: Roadshow, people: dict[str, User]
) -> None:
    firm = people["enterprise"].organization
    auth.login("enterprise@test.xm")
    # A planned roadshow is the brokers' own: others do not learn it exists.
    assert client.post(f"/roadshows/{roadshow.id}/invite/{firm.id}").status_code == 404
    service.move_roadshow(people["broker"], roadshow, "open")
    db.session.commit()
    assert client.post(f"/roadshows/{roadshow.id}/invite/{firm.id}").status_code == 403
    assert client.get(f"/roadshows/{roadshow.id}/invitations").status_code == 403
    auth.logout()
    auth.login("broker@test.xm")
    assert client.post(f"/roadshows/{roadshow.id}/invite/{firm.id}").status_code == 302
    assert client.post(f"/roadshows/{roadshow.id}/invite/999999").status_code == 404
    page = client.get(f"/roadshows/{roadshow.id}/invitations")
    assert "enterprise@test.xm" in page.text and "待回复" in page.text
    assert db.session.query(RoadshowInvitation).count() == 1
