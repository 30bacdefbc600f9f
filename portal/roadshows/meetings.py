"""1:1 meetings (partnering): a registered enterprise asks a presenting team for a meeting with
a short message; the team accepts or declines; the broker books accepted meetings on the grid
(meeting length, number of tables, time window), nobody in two meetings at once.

The booking rules are unique constraints on `roadshow_meetings`; a booking runs in a savepoint,
so when two brokers take the same table and time at once one wins and the other is told.
Services flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from portal.extensions import db
from portal.notifications.service import Notice, notify, organization_members
from portal.roadshows.models import (
    MeetingState,
    Roadshow,
    RoadshowMeeting,
    RoadshowStatus,
)
from portal.roadshows.registrations import registration_of
from portal.roadshows.times import display
from portal.security import Action, can, ensure

MAX_MESSAGE = 500
MAX_TABLES = 200


@dataclass(frozen=True)
class Grid:
    minutes: int
    tables: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class MeetingCounts:
    requested: int
    accepted: int
    held: int


def set_grid(actor: User, roadshow: Roadshow, grid: Grid) -> None:
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    errors = {}
    if not 5 <= grid.minutes <= 120:
        errors["meeting_minutes"] = _l("每场洽谈应在 5 到 120 分钟之间")
    if not 0 <= grid.tables <= MAX_TABLES:
        errors["meeting_tables"] = _l("桌数应在 0 到 %(limit)d 之间", limit=MAX_TABLES)
    if grid.ends_at <= grid.starts_at or grid.ends_at - grid.starts_at > timedelta(days=3):
        errors["meetings_until"] = _l("洽谈时段的结束应晚于开始，且不超过三天")
    if errors:
        raise ValidationFailed(errors)
    roadshow.meeting_minutes = grid.minutes
    roadshow.meeting_tables = grid.tables
    roadshow.meetings_from = grid.starts_at
    roadshow.meetings_until = grid.ends_at
    db.session.flush()
    record_change(
        actor,
        "roadshow.meeting_grid",
        "roadshow",
        roadshow.id,
        None,
        {"minutes": grid.minutes, "tables": grid.tables},
    )


def grid_times(roadshow: Roadshow) -> list[datetime]:
    """The start of every meeting slot of the grid."""
    if not roadshow.meeting_tables or roadshow.meetings_from is None:
        return []
    step = timedelta(minutes=roadshow.meeting_minutes)
    times, current = [], roadshow.meetings_from
    while current + step <= roadshow.meetings_until:
        times.append(current)
        current += step
    return times


def request_meeting(
    user: User, roadshow: Roadshow, technology_id: int, message: str
) -> RoadshowMeeting:
    """Ask the team presenting `technology_id` for a meeting; asking twice answers the same."""
    ensure(user, Action.REQUEST_ROADSHOW_MEETING, roadshow)
    registration = registration_of(roadshow, user)
    if registration is None or not registration.has_ticket:
        raise InvalidTransition(_l("报名成功后才能预约洽谈"))
    if roadshow.status in (RoadshowStatus.ARCHIVED, RoadshowStatus.PLANNED):
        raise InvalidTransition(_l("这场路演现在不能预约洽谈"))
    slot = next((s for s in roadshow.slots if s.technology_id == technology_id), None)
    if slot is None or slot.technology is None:
        raise ValidationFailed({"technology_id": _l("只能约见本场路演的路演团队")})
    if slot.technology.owner_org_id == user.organization_id:
        raise ValidationFailed({"technology_id": _l("不能约见本机构的团队")})
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationFailed({"message": _l("不超过 %(limit)d 字", limit=MAX_MESSAGE)})
    existing = db.session.scalar(
        select(RoadshowMeeting).where(
            RoadshowMeeting.roadshow_id == roadshow.id,
            RoadshowMeeting.requester_org_id == user.organization_id,
            RoadshowMeeting.technology_id == technology_id,
        )
    )
    if existing is not None:
        return existing
    meeting = RoadshowMeeting(
        roadshow_id=roadshow.id,
        technology_id=technology_id,
        requester_id=user.id,
        requester_org_id=user.organization_id,
        presenter_org_id=slot.technology.owner_org_id,
        message=message,
    )
    try:
        with db.session.begin_nested():
            db.session.add(meeting)
            db.session.flush()
    except IntegrityError:  # the same request at the same moment: the one that got in
        found = db.session.scalar(
            select(RoadshowMeeting).where(
                RoadshowMeeting.roadshow_id == roadshow.id,
                RoadshowMeeting.requester_org_id == user.organization_id,
                RoadshowMeeting.technology_id == technology_id,
            )
        )
        if found is None:
            raise
        return found
    notify(
        organization_members(meeting.presenter_org_id),
        Notice(
            "roadshow.meeting_requested",
            f"洽谈预约：{roadshow.title}",
            f"{meeting.requester_org.name} 希望就“{slot.title}”与贵团队在路演现场一对一洽谈。"
            f"留言：{message or '（无）'}",
            "roadshow",
            roadshow.id,
            dedupe_key=f"roadshow-meeting:{meeting.id}",
        ),
    )
    return meeting


def answer_meeting(user: User, meeting: RoadshowMeeting, accept: bool) -> RoadshowMeeting:
    """The presenting team accepts or declines."""
    if user.organization_id != meeting.presenter_org_id:
        raise PermissionDenied()
    if meeting.state is not MeetingState.REQUESTED:
        raise InvalidTransition(_l("这次预约已经回复过了"))
    meeting.state = MeetingState.ACCEPTED if accept else MeetingState.DECLINED
    db.session.flush()
    return meeting


def _busy(meeting: RoadshowMeeting, starts_at: datetime, table: int) -> bool:
    clash = db.session.scalar(
        select(func.count())
        .select_from(RoadshowMeeting)
        .where(
            RoadshowMeeting.roadshow_id == meeting.roadshow_id,
            RoadshowMeeting.id != meeting.id,
            RoadshowMeeting.starts_at == starts_at,
            or_(
                RoadshowMeeting.table_number == table,
                RoadshowMeeting.requester_org_id.in_(
                    [meeting.requester_org_id, meeting.presenter_org_id]
                ),
                RoadshowMeeting.presenter_org_id.in_(
                    [meeting.requester_org_id, meeting.presenter_org_id]
                ),
            ),
        )
    )
    return bool(clash)


def book(actor: User, meeting: RoadshowMeeting, starts_at: datetime, table: int) -> RoadshowMeeting:
    """The broker puts an accepted meeting at a time and table of the grid."""
    roadshow = meeting.roadshow
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    if meeting.state is not MeetingState.ACCEPTED:
        raise InvalidTransition(_l("只有已接受的洽谈才能安排时间"))
    if starts_at not in grid_times(roadshow) or not 1 <= table <= roadshow.meeting_tables:
        raise ValidationFailed({"starts_at": _l("请选择洽谈时段表中的时间和桌号")})
    taken = Conflict(
        _l(
            "%(time)s 第 %(table)d 桌或双方之一已有安排",
            time=display(starts_at, "%H:%M"),
            table=table,
        ),
        code="meeting_slot_taken",
    )
    if _busy(meeting, starts_at, table):
        raise taken
    try:
        with db.session.begin_nested():  # the constraints decide a race between two brokers
            meeting.starts_at = starts_at
            meeting.table_number = table
            db.session.flush()
    except IntegrityError as exc:
        raise taken from exc
    record_change(
        actor,
        "roadshow.meeting.book",
        "roadshow",
        roadshow.id,
        None,
        {"meeting": meeting.id, "starts_at": starts_at.isoformat(), "table": table},
    )
    return meeting


def book_first_free(actor: User, meeting: RoadshowMeeting) -> RoadshowMeeting:
    """Book the earliest time and table free for the table and both parties."""
    roadshow = meeting.roadshow
    for starts_at in grid_times(roadshow):
        for table in range(1, roadshow.meeting_tables + 1):
            if not _busy(meeting, starts_at, table):
                return book(actor, meeting, starts_at, table)
    raise Conflict(_l("洽谈时段已排满"), code="meeting_grid_full")


def mark_held(actor: User, meeting: RoadshowMeeting) -> RoadshowMeeting:
    ensure(actor, Action.MANAGE_ROADSHOWS, meeting.roadshow)
    if meeting.state is not MeetingState.ACCEPTED or meeting.starts_at is None:
        raise InvalidTransition(_l("只有已安排的洽谈才能标记为已举行"))
    meeting.state = MeetingState.HELD
    db.session.flush()
    return meeting


def get_meeting(roadshow: Roadshow, meeting_id: int) -> RoadshowMeeting:
    meeting = db.session.get(RoadshowMeeting, meeting_id)
    if meeting is None or meeting.roadshow_id != roadshow.id:
        raise NotFound()
    return meeting


def meetings_of(roadshow: Roadshow, user: User) -> list[RoadshowMeeting]:
    """The user's own meetings (asked by their organization or of it); staff see all."""
    query = select(RoadshowMeeting).where(RoadshowMeeting.roadshow_id == roadshow.id)
    if not can(user, Action.MANAGE_ROADSHOWS, roadshow):
        org = user.organization_id
        query = query.where(
            or_(RoadshowMeeting.requester_org_id == org, RoadshowMeeting.presenter_org_id == org)
        )
    return list(
        db.session.scalars(
            query.order_by(
                RoadshowMeeting.starts_at.nulls_last(),
                RoadshowMeeting.table_number,
                RoadshowMeeting.id,
            )
        )
    )


def meeting_counts(roadshow: Roadshow) -> MeetingCounts:
    counts = dict(
        db.session.execute(
            select(RoadshowMeeting.state, func.count())
            .where(RoadshowMeeting.roadshow_id == roadshow.id)
            .group_by(RoadshowMeeting.state)
        ).all()
    )
    return MeetingCounts(
        requested=sum(counts.values()),
        accepted=counts.get(MeetingState.ACCEPTED, 0) + counts.get(MeetingState.HELD, 0),
        held=counts.get(MeetingState.HELD, 0),
    )
