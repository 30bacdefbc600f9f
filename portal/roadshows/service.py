"""The roadshow and agenda rules, each written once; pages, the API and commands call them.

A roadshow needs a title, at least one theme from the plan taxonomy, an end after its start, a
registration deadline no later than the start, a venue or an online link and a capacity. Its
status moves along ROADSHOW_TRANSITIONS, audited. Agenda slots lie inside the event and do
not overlap (gaps and breaks are allowed); a refused slot names the slot it clashes with.
Services flush and leave the commit to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from portal.accounts.models import User
from portal.audit.service import record_change
from portal.domain_errors import InvalidTransition, NotFound, ValidationFailed
from portal.extensions import db
from portal.listings.models import ListingStatus, Technology
from portal.organizations.models import Organization
from portal.roadshows.models import (
    ROADSHOW_TRANSITIONS,
    Roadshow,
    RoadshowSlot,
    RoadshowStatus,
)
from portal.roadshows.times import display
from portal.security import Action, can, ensure
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
MAX_CAPACITY = 100_000
MAX_SLOT_MINUTES = 8 * 60
# Statuses anyone may see; planned and archived roadshows are the brokers' own.
PUBLIC_STATUSES = (RoadshowStatus.OPEN, RoadshowStatus.CLOSED, RoadshowStatus.HELD)


@dataclass(frozen=True)
class RoadshowDetails:
    """What a broker enters; times are naive UTC (see portal.roadshows.times)."""

    title: str
    area_codes: Sequence[str]
    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime
    capacity: int
    venue: str = ""
    online_url: str | None = None
    host_org_id: int | None = None
    description: str = ""


@dataclass(frozen=True)
class SlotDetails:
    starts_at: datetime
    minutes: int
    technology_id: int | None = None  # None: a break
    title: str = ""  # a break's label; a talk defaults to its technology's title
    presenter: str = ""


def _snapshot(roadshow: Roadshow) -> dict[str, Any]:
    return {
        "title": roadshow.title,
        "areas": [area.code for area in roadshow.areas],
        "starts_at": roadshow.starts_at.isoformat(),
        "ends_at": roadshow.ends_at.isoformat(),
        "registration_deadline": roadshow.registration_deadline.isoformat(),
        "capacity": roadshow.capacity,
        "venue": roadshow.venue,
        "online_url": roadshow.online_url,
        "host_org_id": roadshow.host_org_id,
        "status": roadshow.status.value,
    }


def _checked_areas(codes: Sequence[str]) -> list[TaxonomyArea]:
    wanted = sorted({code.strip() for code in codes if code and code.strip()})
    if not wanted:
        raise ValidationFailed({"areas": _l("请至少选择一个主题领域")})
    areas = list(
        db.session.scalars(
            select(TaxonomyArea).where(
                TaxonomyArea.taxonomy == PLAN_TAXONOMY, TaxonomyArea.code.in_(wanted)
            )
        )
    )
    if len(areas) != len(wanted):
        unknown = sorted(set(wanted) - {area.code for area in areas})
        raise ValidationFailed(
            {"areas": _l("不是规划中的领域：%(codes)s", codes="、".join(unknown)[:100])}
        )
    return areas


def _checked(details: RoadshowDetails) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    title = (details.title or "").strip()
    if not title:
        errors["title"] = _l("请填写路演名称")
    elif len(title) > MAX_TITLE:
        errors["title"] = _l("不超过 %(limit)d 字", limit=MAX_TITLE)
    if details.ends_at <= details.starts_at:
        errors["ends_at"] = _l("结束时间应晚于开始时间")
    if details.registration_deadline > details.starts_at:
        errors["registration_deadline"] = _l("报名截止时间不能晚于开始时间")
    if not 1 <= details.capacity <= MAX_CAPACITY:
        errors["capacity"] = _l("名额应在 1 到 %(limit)d 之间", limit=MAX_CAPACITY)
    venue = (details.venue or "").strip()
    online_url = (details.online_url or "").strip() or None
    if online_url is not None:
        parsed = urlparse(online_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(online_url) > 500:
            errors["online_url"] = _l("网址应以 http:// 或 https:// 开头")
    if not venue and online_url is None:
        errors["venue"] = _l("请填写地点或线上链接")
    elif len(venue) > 300:
        errors["venue"] = _l("不超过 %(limit)d 字", limit=300)
    if len(details.description or "") > MAX_DESCRIPTION:
        errors["description"] = _l("不超过 %(limit)d 字", limit=MAX_DESCRIPTION)
    host_id = details.host_org_id
    if host_id is not None and db.session.get(Organization, host_id) is None:
        errors["host_org_id"] = _l("没有这个机构")
    try:
        areas = _checked_areas(details.area_codes)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        areas = []
    if errors:
        raise ValidationFailed(errors)
    return {
        "title": title,
        "areas": areas,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "registration_deadline": details.registration_deadline,
        "capacity": details.capacity,
        "venue": venue,
        "online_url": online_url,
        "host_org_id": details.host_org_id,
        "description": details.description or "",
    }


def create_roadshow(actor: User, details: RoadshowDetails) -> Roadshow:
    ensure(actor, Action.MANAGE_ROADSHOWS)
    roadshow = Roadshow(created_by_id=actor.id, **_checked(details))
    db.session.add(roadshow)
    db.session.flush()
    record_change(actor, "roadshow.create", "roadshow", roadshow.id, None, _snapshot(roadshow))
    return roadshow


def update_roadshow(actor: User, roadshow: Roadshow, details: RoadshowDetails) -> Roadshow:
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    if roadshow.status is RoadshowStatus.ARCHIVED:
        raise InvalidTransition(_l("已归档的路演不能修改"))
    values = _checked(details)
    outside = [
        slot
        for slot in roadshow.slots
        if slot.starts_at < values["starts_at"] or _slot_end(slot) > values["ends_at"]
    ]
    if outside:
        raise ValidationFailed(
            {"ends_at": _l("议程“%(slot)s”不在新的时间内", slot=outside[0].title[:60])}
        )
    before = _snapshot(roadshow)
    for name, value in values.items():
        setattr(roadshow, name, value)
    db.session.flush()
    record_change(actor, "roadshow.update", "roadshow", roadshow.id, before, _snapshot(roadshow))
    return roadshow


def move_roadshow(actor: User, roadshow: Roadshow, target: RoadshowStatus | str) -> Roadshow:
    """Move the status along ROADSHOW_TRANSITIONS; audited."""
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    try:
        status = RoadshowStatus(target)
    except ValueError as exc:
        raise ValidationFailed({"status": _l("不是可选的状态")}) from exc
    if status not in ROADSHOW_TRANSITIONS[roadshow.status]:
        raise InvalidTransition(
            _l(
                "不能从“%(source)s”转为“%(target)s”",
                source=roadshow.status.label,
                target=status.label,
            )
        )
    before = {"status": roadshow.status.value}
    roadshow.status = status
    db.session.flush()
    record_change(
        actor, "roadshow.status", "roadshow", roadshow.id, before, {"status": status.value}
    )
    return roadshow


def next_statuses(roadshow: Roadshow) -> list[RoadshowStatus]:
    return sorted(ROADSHOW_TRANSITIONS[roadshow.status], key=list(RoadshowStatus).index)


def get_roadshow(roadshow_id: int, user: User | None) -> Roadshow:
    """The roadshow, if `user` may see it (planned and archived ones: staff only)."""
    roadshow = db.session.get(Roadshow, roadshow_id)
    if roadshow is None or not (
        roadshow.status in PUBLIC_STATUSES or can(user, Action.MANAGE_ROADSHOWS, roadshow)
    ):
        raise NotFound()
    return roadshow


def roadshows_query(include_unpublished: bool = False) -> Select[tuple[Roadshow]]:
    query = select(Roadshow).order_by(Roadshow.starts_at.desc(), Roadshow.id.desc())
    if not include_unpublished:
        query = query.where(Roadshow.status.in_(PUBLIC_STATUSES))
    return query


# --- the agenda -------------------------------------------------------------------------


def _slot_end(slot: RoadshowSlot | SlotDetails) -> datetime:
    return slot.starts_at + timedelta(minutes=slot.minutes)


def _checked_slot(
    roadshow: Roadshow, details: SlotDetails, replacing: RoadshowSlot | None
) -> tuple[Technology | None, str]:
    errors: dict[str, Any] = {}
    technology = None
    if details.technology_id is not None:
        technology = db.session.get(Technology, details.technology_id)
        already = replacing is not None and replacing.technology_id == details.technology_id
        if technology is None or (technology.status is not ListingStatus.PUBLISHED and not already):
            errors["technology_id"] = _l("只能安排已发布的成果")
    title = (details.title or "").strip() or (technology.title if technology else "")
    if not title:
        errors["title"] = _l("休息时段请填写名称，如“茶歇”")
    elif len(title) > MAX_TITLE:
        errors["title"] = _l("不超过 %(limit)d 字", limit=MAX_TITLE)
    if len(details.presenter or "") > 120:
        errors["presenter"] = _l("不超过 %(limit)d 字", limit=120)
    if not 1 <= details.minutes <= MAX_SLOT_MINUTES:
        errors["minutes"] = _l("时长应在 1 到 %(limit)d 分钟之间", limit=MAX_SLOT_MINUTES)
    elif details.starts_at < roadshow.starts_at or _slot_end(details) > roadshow.ends_at:
        errors["starts_at"] = _l(
            "“%(slot)s”应在路演时间内（%(start)s 至 %(end)s）",
            slot=title[:60],
            start=display(roadshow.starts_at),
            end=display(roadshow.ends_at),
        )
    else:
        for other in roadshow.slots:
            if other is replacing:
                continue
            if details.starts_at < _slot_end(other) and other.starts_at < _slot_end(details):
                errors["starts_at"] = _l(
                    "“%(slot)s”与“%(other)s”（%(start)s 起）时间重叠",
                    slot=title[:60],
                    other=other.title[:60],
                    start=display(other.starts_at, "%H:%M"),
                )
                break
    if errors:
        raise ValidationFailed(errors)
    return technology, title


def add_slot(actor: User, roadshow: Roadshow, details: SlotDetails) -> RoadshowSlot:
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    _ensure_agenda_editable(roadshow)
    technology, title = _checked_slot(roadshow, details, None)
    slot = RoadshowSlot(
        roadshow=roadshow,
        technology=technology,
        title=title,
        presenter=(details.presenter or "").strip(),
        starts_at=details.starts_at,
        minutes=details.minutes,
    )
    db.session.add(slot)
    db.session.flush()
    record_change(
        actor, "roadshow.slot.add", "roadshow", roadshow.id, None, {"slot": slot.id, "title": title}
    )
    return slot


def update_slot(actor: User, slot: RoadshowSlot, details: SlotDetails) -> RoadshowSlot:
    roadshow = slot.roadshow
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    _ensure_agenda_editable(roadshow)
    technology, title = _checked_slot(roadshow, details, slot)
    slot.technology = technology
    slot.title = title
    slot.presenter = (details.presenter or "").strip()
    slot.starts_at = details.starts_at
    slot.minutes = details.minutes
    db.session.flush()
    return slot


def remove_slot(actor: User, slot: RoadshowSlot) -> None:
    roadshow = slot.roadshow
    ensure(actor, Action.MANAGE_ROADSHOWS, roadshow)
    _ensure_agenda_editable(roadshow)
    record_change(actor, "roadshow.slot.remove", "roadshow", roadshow.id, {"slot": slot.id}, None)
    roadshow.slots.remove(slot)
    db.session.flush()


def next_free_start(roadshow: Roadshow) -> datetime:
    """Where a new slot fits by default: right after the last one (or at the start)."""
    ends = [_slot_end(slot) for slot in roadshow.slots]
    return max(ends, default=roadshow.starts_at)


def get_slot(roadshow: Roadshow, slot_id: int) -> RoadshowSlot:
    slot = db.session.get(RoadshowSlot, slot_id)
    if slot is None or slot.roadshow_id != roadshow.id:
        raise NotFound()
    return slot


def _ensure_agenda_editable(roadshow: Roadshow) -> None:
    if roadshow.status in (RoadshowStatus.HELD, RoadshowStatus.ARCHIVED):
        raise InvalidTransition(_l("路演已举办，议程不能再修改"))


def add_talk(actor: User, roadshow: Roadshow, technology_id: int, minutes: int) -> RoadshowSlot:
    """Put a proposed technology on the agenda, right after the last slot."""
    start = next_free_start(roadshow)
    return add_slot(actor, roadshow, SlotDetails(start, minutes, technology_id))
