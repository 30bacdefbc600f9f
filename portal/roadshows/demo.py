"""Demo roadshows for a demo installation (`flask roadshows demo`, after `seed --demo`): one
held a month ago with attendance, meetings, feedback and deals, one upcoming with
registrations, on the plan themes that have the most published technologies. Marked demo;
made once. Built through the same services as the pages, with the clock set back for the
past one, so the funnel and pages show real records."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.listings.models import ListingStatus, Technology
from portal.matches.service import move_match
from portal.roadshows import (
    feedback,
    invitations,
    meetings,
    proposals,
    registrations,
    service,
    tickets,
)
from portal.roadshows.models import Interest, Roadshow
from portal.roadshows.times import local_to_utc, utc_to_local
from portal.taxonomy.models import TaxonomyArea

MIN_SCORE = 0.3


def _demo_people() -> tuple[User | None, list[User]]:
    users = list(
        db.session.scalars(select(User).where(User.is_demo.is_(True), User.active.is_(True)))
    )
    broker = next((user for user in users if user.role is Role.BROKER), None)
    members = [user for user in users if user.organization_id is not None]
    return broker, members


def _busiest_actions(limit: int) -> list[TaxonomyArea]:
    parent = TaxonomyArea.__table__.alias("parent_area")
    action = func.coalesce(parent.c.id, TaxonomyArea.id)
    ranked = db.session.execute(
        select(action, func.count(Technology.id))
        .select_from(Technology)
        .join(TaxonomyArea, TaxonomyArea.id == Technology.area_id)
        .outerjoin(parent, parent.c.id == TaxonomyArea.parent_id)
        .where(Technology.status == ListingStatus.PUBLISHED)
        .group_by(action)
        .order_by(func.count(Technology.id).desc())
        .limit(limit)
    ).all()
    return [db.session.get(TaxonomyArea, area_id) for area_id, _ in ranked]


def _at(day: datetime, hour: int) -> datetime:
    local_day = utc_to_local(day).date()
    return local_to_utc(datetime.combine(local_day, time(hour)))


def _relative_link(secret: str) -> str:
    return f"/roadshows/invitations/{secret}"


def _roadshow(broker: User, area: TaxonomyArea, day: datetime, title: str) -> Roadshow:
    roadshow = service.create_roadshow(
        broker,
        service.RoadshowDetails(
            title=title,
            area_codes=[area.code],
            starts_at=_at(day, 14),
            ends_at=_at(day, 17),
            registration_deadline=_at(day - timedelta(days=1), 18),
            capacity=30,
            venue="厦门两岸股权交易中心路演厅",
            description=f"围绕“{area.name}”的常态化低碳技术路演（演示数据）。",
        ),
    )
    roadshow.is_demo = True
    for proposed in proposals.propose_technologies([area.id], limit=4):
        service.add_talk(broker, roadshow, proposed.id, 25)
    service.move_roadshow(broker, roadshow, "open")
    chosen = [slot.technology_id for slot in roadshow.slots]
    for invitee in proposals.propose_invitees(chosen, MIN_SCORE, limit=5):
        if invitee.accounts:  # seeded organizations mostly have nobody to invite
            invitations.invite_organization(
                broker, roadshow, invitee.organization_id, _relative_link
            )
    return roadshow


def _hold(broker: User, roadshow: Roadshow, members: list[User]) -> None:
    """Attendance, a meeting, feedback and deals for a roadshow that took place."""
    before = roadshow.registration_deadline - timedelta(days=2)
    for member in members:
        registration = registrations.register(member, roadshow, before)
        tickets.check_in(broker, roadshow, tickets.check_in_code(registration), roadshow.starts_at)
    service.move_roadshow(broker, roadshow, "closed")
    talks = [slot for slot in roadshow.slots if slot.technology is not None]
    enterprise = next((m for m in members if m.role is Role.ENTERPRISE), None)
    if talks and enterprise is not None:
        meetings.set_grid(
            broker,
            roadshow,
            meetings.Grid(15, 4, roadshow.ends_at - timedelta(hours=1), roadshow.ends_at),
        )
        presenters = {m.organization_id: m for m in members}
        others = [t for t in talks if t.technology.owner_org_id != enterprise.organization_id]
        # A talk whose team has a demo account can accept the meeting, so one is held.
        talk = next(
            (t for t in others if t.technology.owner_org_id in presenters),
            others[0] if others else None,
        )
        if talk is not None:
            meeting = meetings.request_meeting(
                enterprise, roadshow, talk.technology_id, "想了解示范项目数据"
            )
            presenter = presenters.get(talk.technology.owner_org_id)
            if presenter is not None:
                meetings.answer_meeting(presenter, meeting, accept=True)
                meetings.book_first_free(broker, meeting)
                meetings.mark_held(broker, meeting)
            given = feedback.give_feedback(
                enterprise, roadshow, talk.id, Interest.NEGOTIATE, 5, "希望进一步洽谈合作"
            )
            if given.match is not None:
                move_match(given.match, "negotiating", broker)
                move_match(given.match, "contracted", broker)
    service.move_roadshow(broker, roadshow, "held")


def make_demo_roadshows(now: datetime) -> int:
    """The demo roadshows (none if they exist or the demo accounts are missing); how many."""
    if db.session.scalar(select(Roadshow.id).where(Roadshow.is_demo.is_(True)).limit(1)):
        return 0
    broker, members = _demo_people()
    areas = _busiest_actions(2)
    if broker is None or not areas:
        return 0
    past = _roadshow(broker, areas[0], now - timedelta(days=30), f"{areas[0].name}专场路演（往期）")
    _hold(broker, past, members)
    upcoming_area = areas[-1]
    upcoming = _roadshow(
        broker, upcoming_area, now + timedelta(days=21), f"{upcoming_area.name}专场路演"
    )
    for member in members:
        registrations.register(member, upcoming, now)
    db.session.flush()
    return 2
