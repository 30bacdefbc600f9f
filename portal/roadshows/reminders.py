"""The roadshow reminders in one idempotent call, for a periodic job or `flask roadshows remind`.

- pending invitees, ROADSHOW_INVITATION_REMINDER_DAYS before the registration deadline;
- registered people, ROADSHOW_EVENT_REMINDER_HOURS before the start (e.g. 72 and 2 hours),
  with the agenda, the calendar link and the .ics attached to the mail. Each reminder goes
  once (a dedupe key per registration and offset); when a run comes late, only the nearest
  due reminder goes, so nobody gets the three-day note after the two-hour one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.service import Notice, notify
from portal.roadshows.calendar import mail_attachment
from portal.roadshows.invitations import remind_pending_invitees
from portal.roadshows.models import (
    RegistrationState,
    Roadshow,
    RoadshowRegistration,
    RoadshowStatus,
)
from portal.roadshows.times import display, utc_to_local


@dataclass(frozen=True)
class RemindersSent:
    invitees: int
    registered: int


def _agenda(roadshow: Roadshow) -> str:
    return "\n".join(
        f"{utc_to_local(slot.starts_at):%H:%M} {slot.title}" for slot in roadshow.slots
    )


def remind_registered(now: datetime, hours_before: Sequence[int]) -> int:
    """Remind registered people of roadshows starting within the offsets; returns notices."""
    if not hours_before:
        return 0
    offsets = sorted(hours_before)
    rows = db.session.scalars(
        select(RoadshowRegistration)
        .join(Roadshow, Roadshow.id == RoadshowRegistration.roadshow_id)
        .where(
            RoadshowRegistration.state == RegistrationState.REGISTERED,
            Roadshow.status.in_((RoadshowStatus.OPEN, RoadshowStatus.CLOSED)),
            Roadshow.starts_at > now,
            Roadshow.starts_at <= now + timedelta(hours=offsets[-1]),
        )
        .order_by(RoadshowRegistration.id)
    ).all()
    sent = 0
    for registration in rows:
        roadshow = registration.roadshow
        left = roadshow.starts_at - now
        nearest = next(hours for hours in offsets if left <= timedelta(hours=hours))
        notice = Notice(
            "roadshow.reminder",
            f"路演提醒：{roadshow.title}",
            f"“{roadshow.title}”将于 {display(roadshow.starts_at)}（北京时间）开始，"
            f"地点 {roadshow.venue or roadshow.online_url or '线上'}。\n"
            f"议程：\n{_agenda(roadshow)}\n"
            f"日历文件：/roadshows/{roadshow.id}/calendar.ics；入场凭证：/roadshows/{roadshow.id}/ticket",
            "roadshow",
            roadshow.id,
            dedupe_key=f"roadshow-reminder:{registration.id}:{nearest}h",
            attachments=(mail_attachment(roadshow, now),),
        )
        sent += len(notify([registration.user], notice))
    return sent


def send_due_reminders(now: datetime) -> RemindersSent:
    """Every roadshow reminder due at `now`; running it again sends nothing twice."""
    config = current_app.config
    return RemindersSent(
        invitees=remind_pending_invitees(now, config["ROADSHOW_INVITATION_REMINDER_DAYS"]),
        registered=remind_registered(now, config["ROADSHOW_EVENT_REMINDER_HOURS"]),
    )
