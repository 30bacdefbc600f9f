"""Invitations: a personal link per member of an invited organization, and its reminder.

A link carries a random secret; only its SHA-256 is stored, the link works for the account
with the invited e-mail only, and answering it (accept or decline) uses it up. Pending
invitees get one reminder ROADSHOW_INVITATION_REMINDER_DAYS before the registration deadline
(`remind_pending_invitees`, idempotent: run it as often as you like; the periodic entry
point is `portal.roadshows.reminders.send_due_reminders`). Services flush; callers commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import Conflict, InvalidTransition, NotFound, PermissionDenied
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.notifications.service import Notice, notify, organization_members
from portal.organizations.models import Organization
from portal.roadshows.calendar import mail_attachment
from portal.roadshows.models import (
    InvitationState,
    Roadshow,
    RoadshowInvitation,
    RoadshowStatus,
)
from portal.roadshows.times import display
from portal.security import Action, ensure

# Invitations go out while people can still register.
INVITING_STATUSES = (RoadshowStatus.PLANNED, RoadshowStatus.OPEN)
LinkFor = Callable[[str], str]  # secret -> the absolute URL of the invitation page


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _when(roadshow: Roadshow) -> str:
    return f"{display(roadshow.starts_at)}（北京时间）"


def invite_organization(
    actor: User, roadshow: Roadshow, organization_id: int, link_for: LinkFor
) -> list[RoadshowInvitation]:
    """Invite every active member of the organization not invited yet; returns the new ones."""
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    if roadshow.status not in INVITING_STATUSES:
        raise InvalidTransition(_l("报名已截止，不能再发送邀请"))
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise NotFound()
    members = organization_members(organization.id)
    if not members:
        raise Conflict(_l("“%(name)s”还没有平台账号，无法发送邀请", name=organization.name[:60]))
    invited = set(
        db.session.scalars(
            select(RoadshowInvitation.email).where(RoadshowInvitation.roadshow_id == roadshow.id)
        )
    )
    created = []
    calendar_file = mail_attachment(roadshow, utcnow())
    for member in members:
        if member.email in invited:
            continue
        secret = secrets.token_urlsafe(32)
        invitation = RoadshowInvitation(
            roadshow_id=roadshow.id,
            organization_id=organization.id,
            user_id=member.id,
            email=member.email,
            token_hash=_digest(secret),
            invited_by_id=actor.id,
        )
        db.session.add(invitation)
        db.session.flush()
        notify(
            [member],
            Notice(
                "roadshow.invited",
                f"路演邀请：{roadshow.title}",
                f"诚邀贵单位参加“{roadshow.title}”，时间 {_when(roadshow)}，"
                f"地点 {roadshow.venue or '线上'}。"
                f"报名截止 {display(roadshow.registration_deadline)}。\n"
                f"请通过您的专属链接回复（仅限 {member.email} 使用，回复一次后失效）：\n"
                f"{link_for(secret)}",
                "roadshow",
                roadshow.id,
                dedupe_key=f"roadshow-invitation:{invitation.id}",
                attachments=(calendar_file,),
            ),
        )
        created.append(invitation)
    record_change(
        actor,
        "roadshow.invite",
        "roadshow",
        roadshow.id,
        None,
        {"organization_id": organization.id, "invitations": [i.id for i in created]},
    )
    return created


def invitation_for_link(secret: str, user: User) -> RoadshowInvitation:
    """The unanswered invitation behind a link, if it was sent to this user's e-mail."""
    invitation = db.session.scalar(
        select(RoadshowInvitation).where(RoadshowInvitation.token_hash == _digest(secret or ""))
    )
    if invitation is None:
        raise NotFound(_l("邀请链接无效或已使用。"))
    if invitation.email.lower() != (user.email or "").lower():
        raise PermissionDenied(_l("这份邀请是发给其他邮箱的，请用受邀账号登录。"))
    return invitation


def respond(user: User, invitation: RoadshowInvitation, accept: bool) -> RoadshowInvitation:
    """Accept or decline; the link is used up either way."""
    if invitation.email.lower() != (user.email or "").lower():
        raise PermissionDenied(_l("这份邀请是发给其他邮箱的，请用受邀账号登录。"))
    if invitation.state is not InvitationState.PENDING:
        raise InvalidTransition(_l("这份邀请已经回复过了。"))
    invitation.state = InvitationState.ACCEPTED if accept else InvitationState.DECLINED
    invitation.responded_at = utcnow()
    invitation.token_hash = None
    db.session.flush()
    return invitation


def pending_invitation(roadshow: Roadshow, user: User | None) -> RoadshowInvitation | None:
    """The user's unanswered invitation to the roadshow, to answer on its page."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        select(RoadshowInvitation).where(
            RoadshowInvitation.roadshow_id == roadshow.id,
            RoadshowInvitation.email == user.email,
            RoadshowInvitation.state == InvitationState.PENDING,
        )
    )


def get_invitation(invitation_id: int) -> RoadshowInvitation:
    invitation = db.session.get(RoadshowInvitation, invitation_id)
    if invitation is None:
        raise NotFound()
    return invitation


def invitations_of(roadshow: Roadshow) -> list[RoadshowInvitation]:
    return list(
        db.session.scalars(
            select(RoadshowInvitation)
            .where(RoadshowInvitation.roadshow_id == roadshow.id)
            .order_by(RoadshowInvitation.organization_id, RoadshowInvitation.id)
        )
    )


def invited_organization_ids(roadshow: Roadshow) -> set[int]:
    """Organizations invited and not declining: they come first on the waiting list."""
    return set(
        db.session.scalars(
            select(RoadshowInvitation.organization_id).where(
                RoadshowInvitation.roadshow_id == roadshow.id,
                RoadshowInvitation.state != InvitationState.DECLINED,
            )
        )
    )


def remind_pending_invitees(now: datetime, days_before: int | None = None) -> int:
    """Remind pending invitees whose roadshow's deadline is within `days_before` days
    (default: the ROADSHOW_INVITATION_REMINDER_DAYS setting).

    Each invitation is reminded once (its `reminded_at`, and the notice's dedupe key), so a
    job that runs twice, or overlaps itself, sends nothing more. Returns reminders sent.
    """
    if days_before is None:
        days_before = current_app.config["ROADSHOW_INVITATION_REMINDER_DAYS"]
    horizon = now + timedelta(days=days_before)
    due = db.session.scalars(
        select(RoadshowInvitation)
        .join(Roadshow, Roadshow.id == RoadshowInvitation.roadshow_id)
        .where(
            RoadshowInvitation.state == InvitationState.PENDING,
            RoadshowInvitation.reminded_at.is_(None),
            RoadshowInvitation.user_id.is_not(None),
            Roadshow.status.in_(INVITING_STATUSES),
            Roadshow.registration_deadline > now,
            Roadshow.registration_deadline <= horizon,
        )
        .order_by(RoadshowInvitation.id)
    ).all()
    sent = 0
    for invitation in due:
        roadshow = invitation.roadshow
        invitation.reminded_at = now
        if invitation.user is None or not invitation.user.active:
            continue
        sent += len(
            notify(
                [invitation.user],
                Notice(
                    "roadshow.invitation_reminder",
                    f"邀请待回复：{roadshow.title}",
                    f"“{roadshow.title}”将于 {display(roadshow.registration_deadline)} 截止报名，"
                    f"您的邀请尚未回复。可在路演页面接受或谢绝，也可使用邀请邮件中的专属链接。",
                    "roadshow",
                    roadshow.id,
                    dedupe_key=f"roadshow-invitation-reminder:{invitation.id}",
                ),
            )
        )
    db.session.flush()
    return sent
