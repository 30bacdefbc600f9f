"""Sending notices: one row per recipient, plus an e-mail; callers commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select, update

from portal.accounts.models import User
from portal.extensions import db
from portal.mail import Attachment
from portal.model_mixins import utcnow
from portal.notifications.jobs import OutgoingMail, mail_after_commit
from portal.notifications.models import Notification


@dataclass(frozen=True)
class Notice:
    kind: str  # e.g. listing.published, listing.changes_requested, match.contacted
    title: str
    body: str
    entity_type: str | None = None
    entity_id: int | None = None
    dedupe_key: str | None = None  # same key, same user: sent once
    attachments: tuple[Attachment, ...] = ()  # for the e-mail only, e.g. an .ics


def organization_members(org_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.organization_id == org_id, User.active.is_(True))
        )
    )


def notify(users: Iterable[User], notice: Notice) -> list[Notification]:
    """Add the notice for each user (skipping users who already have its dedupe key) and mail
    it once the caller's transaction commits (portal/notifications/jobs.py)."""
    sent = []
    for user in users:
        if notice.dedupe_key and db.session.scalar(
            select(Notification.id).where(
                Notification.user_id == user.id, Notification.dedupe_key == notice.dedupe_key
            )
        ):
            continue
        row = Notification(
            user_id=user.id,
            kind=notice.kind,
            title=notice.title[:200],
            body=notice.body,
            entity_type=notice.entity_type,
            entity_id=notice.entity_id,
            dedupe_key=notice.dedupe_key,
        )
        db.session.add(row)
        sent.append(row)
        mail_after_commit(
            OutgoingMail(
                user.email,
                str(notice.title),
                f"{notice.body}\n\n请登录平台查看详情。",
                tuple(notice.attachments),
            )
        )
    db.session.flush()
    return sent


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notifications_query(user: User) -> Select[tuple[Notification]]:
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notices read (or all of them when no id); returns rows changed."""
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    return db.session.execute(statement.values(read_at=utcnow())).rowcount
