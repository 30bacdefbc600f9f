"""The roadshow funnel: invited -> registered -> attended -> meetings held -> contacted ->
negotiating -> contracted, for one roadshow or all of them, filtered by theme and period.

Each stage counts records: invitations (people), registrations with a seat that were kept
(registered or attended), check-ins, 1:1 meetings held, and the deal-pipeline matches that
feedback opened, by how far they have moved (negotiating includes contracted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, distinct, func, or_, select

from portal.extensions import db
from portal.matches.models import Match, MatchState
from portal.roadshows.models import (
    MeetingState,
    RegistrationState,
    Roadshow,
    RoadshowFeedback,
    RoadshowInvitation,
    RoadshowMeeting,
    RoadshowRegistration,
    roadshow_areas,
)
from portal.roadshows.times import local_to_utc
from portal.taxonomy.models import TaxonomyArea


@dataclass(frozen=True)
class FunnelFilter:
    roadshow_id: int | None = None
    area_code: str | None = None
    starts_from: date | None = None  # Shanghai dates, inclusive
    starts_until: date | None = None


@dataclass(frozen=True)
class Stage:
    key: str
    label: Any
    count: int
    width: float  # percent of the widest stage, for the bar


def _roadshow_ids(filters: FunnelFilter) -> Select[tuple[int]]:
    query = select(Roadshow.id)
    if filters.roadshow_id is not None:
        query = query.where(Roadshow.id == filters.roadshow_id)
    if filters.area_code:
        themed = (
            select(roadshow_areas.c.roadshow_id)
            .join(TaxonomyArea, TaxonomyArea.id == roadshow_areas.c.area_id)
            .outerjoin(
                parent := TaxonomyArea.__table__.alias("parent_area"),
                parent.c.id == TaxonomyArea.parent_id,
            )
            .where(or_(TaxonomyArea.code == filters.area_code, parent.c.code == filters.area_code))
        )
        query = query.where(Roadshow.id.in_(themed))
    if filters.starts_from:
        query = query.where(
            Roadshow.starts_at >= local_to_utc(datetime.combine(filters.starts_from, time.min))
        )
    if filters.starts_until:
        query = query.where(
            Roadshow.starts_at <= local_to_utc(datetime.combine(filters.starts_until, time.max))
        )
    return query


def _count(query: Select[Any]) -> int:
    return int(db.session.scalar(query) or 0)


def funnel(filters: FunnelFilter) -> list[Stage]:
    ids = _roadshow_ids(filters)
    kept = (RegistrationState.REGISTERED, RegistrationState.ATTENDED)
    deals = (
        select(func.count(distinct(Match.id)))
        .join(RoadshowFeedback, RoadshowFeedback.match_id == Match.id)
        .where(RoadshowFeedback.roadshow_id.in_(ids))
    )
    counts = [
        (
            "invited",
            _l("受邀"),
            _count(
                select(func.count(RoadshowInvitation.id)).where(
                    RoadshowInvitation.roadshow_id.in_(ids)
                )
            ),
        ),
        (
            "registered",
            _l("报名"),
            _count(
                select(func.count(RoadshowRegistration.id)).where(
                    RoadshowRegistration.roadshow_id.in_(ids), RoadshowRegistration.state.in_(kept)
                )
            ),
        ),
        (
            "attended",
            _l("到场"),
            _count(
                select(func.count(RoadshowRegistration.id)).where(
                    RoadshowRegistration.roadshow_id.in_(ids),
                    RoadshowRegistration.state == RegistrationState.ATTENDED,
                )
            ),
        ),
        (
            "meetings",
            _l("洽谈举行"),
            _count(
                select(func.count(RoadshowMeeting.id)).where(
                    RoadshowMeeting.roadshow_id.in_(ids), RoadshowMeeting.state == MeetingState.HELD
                )
            ),
        ),
        (
            "contacted",
            _l("已联系"),
            _count(
                deals.where(
                    Match.state.in_(
                        (MatchState.CONTACTED, MatchState.NEGOTIATING, MatchState.CONTRACTED)
                    )
                )
            ),
        ),
        (
            "negotiating",
            _l("洽谈中"),
            _count(deals.where(Match.state.in_((MatchState.NEGOTIATING, MatchState.CONTRACTED)))),
        ),
        ("contracted", _l("已签约"), _count(deals.where(Match.state == MatchState.CONTRACTED))),
    ]
    widest = max((count for _, _, count in counts), default=0) or 1
    return [
        Stage(key, label, count, round(100 * count / widest, 1)) for key, label, count in counts
    ]
