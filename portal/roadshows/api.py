"""/api/v1/roadshows: read by anyone (planned and archived ones by staff); written by staff;
proposals for staff; registrations by the caller, listed for staff."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.api.auth import caller, require
from portal.api.errors import invalid
from portal.api.fields import TIMESTAMP_FIELDS, Field, checked_payload, json_body
from portal.api.pagination import paginated
from portal.api.routing import PAGING, WRITE_ERRORS, ApiRoute, ApiSection, Schema, resource_schemas
from portal.extensions import db
from portal.model_mixins import utcnow
from portal.roadshows import proposals, registrations, service
from portal.roadshows.models import (
    RegistrationState,
    Roadshow,
    RoadshowRegistration,
    RoadshowStatus,
)
from portal.roadshows.times import parse_offset_time, utc_to_local
from portal.security import Action, can

TIME = "ISO 8601 时间，带时区，如 2027-03-05T14:00:00+08:00（不带时区按北京时间）"
ROADSHOW_FIELDS: dict[str, Field] = {
    "id": Field("integer", "编号", nullable=False, read_only=True),
    "title": Field("string", "路演名称", nullable=False, max_length=200, checked_by_domain=True),
    "areas": Field("array", "主题领域（规划分类代码）", nullable=False),
    "host": Field("integer", "主办机构编号"),
    "starts_at": Field("string", "开始时间：" + TIME, nullable=False, format="date-time"),
    "ends_at": Field("string", "结束时间：" + TIME, nullable=False, format="date-time"),
    "venue": Field("string", "地点", max_length=300, checked_by_domain=True),
    "online_url": Field("string", "线上链接", format="uri", max_length=500, checked_by_domain=True),
    "capacity": Field("integer", "名额", nullable=False),
    "registration_deadline": Field(
        "string", "报名截止：" + TIME, nullable=False, format="date-time"
    ),
    "description": Field("string", "简介", max_length=10_000, checked_by_domain=True),
    "status": Field("string", "状态", nullable=False, enum=tuple(RoadshowStatus)),
    **TIMESTAMP_FIELDS,
}
REGISTRATION_FIELDS: dict[str, Field] = {
    "id": Field("integer", "编号", nullable=False, read_only=True),
    "state": Field("string", "状态", nullable=False, read_only=True, enum=tuple(RegistrationState)),
    "user": Field("integer", "用户编号", read_only=True),
    "organization": Field("integer", "机构编号", read_only=True),
}
PROPOSAL_FIELDS: dict[str, Field] = {
    "technologies": Field("array", "推荐路演成果：{id, title, needs, score}", items="object"),
    "invitees": Field(
        "array", "推荐邀请机构：{organization, needs, technologies, score}", items="object"
    ),
}
_TIMES = ("starts_at", "ends_at", "registration_deadline")


def serialize_roadshow(roadshow: Roadshow) -> dict[str, Any]:
    return {
        "id": roadshow.id,
        "title": roadshow.title,
        "areas": [area.code for area in roadshow.areas],
        "host": roadshow.host_org_id,
        "starts_at": utc_to_local(roadshow.starts_at).isoformat(),
        "ends_at": utc_to_local(roadshow.ends_at).isoformat(),
        "venue": roadshow.venue,
        "online_url": roadshow.online_url,
        "capacity": roadshow.capacity,
        "registration_deadline": utc_to_local(roadshow.registration_deadline).isoformat(),
        "description": roadshow.description,
        "status": roadshow.status.value,
        "created_at": roadshow.created_at.isoformat(),
        "updated_at": roadshow.updated_at.isoformat(),
    }


def serialize_registration(registration: RoadshowRegistration) -> dict[str, Any]:
    return {
        "id": registration.id,
        "state": registration.state.value,
        "user": registration.user_id,
        "organization": registration.organization_id,
    }


def _times(data: dict[str, Any]) -> dict[str, Any]:
    errors, values = {}, {}
    for name in _TIMES:
        if name in data:
            try:
                values[name] = parse_offset_time(str(data[name]))
            except ValueError:
                errors[name] = _l("应为 ISO 8601 时间，如 2027-03-05T14:00:00+08:00")
    if errors:
        raise invalid(errors)
    return values


def _details(data: dict[str, Any], roadshow: Roadshow | None) -> service.RoadshowDetails:
    times = _times(data)

    def value(name: str, current: Any) -> Any:
        """The body's value, else (on an update) the roadshow's own."""
        if name in times:
            return times[name]
        return data.get(name, current)

    required = [
        n for n in ("title", "areas", *_TIMES, "capacity") if roadshow is None and n not in data
    ]
    if required:
        raise invalid({name: _l("必填") for name in required})
    areas = data.get("areas") if "areas" in data else [a.code for a in roadshow.areas]
    if not isinstance(areas, list) or not all(isinstance(code, str) for code in areas):
        raise invalid({"areas": _l("应为规划分类代码的数组")})
    current = roadshow or Roadshow()
    return service.RoadshowDetails(
        title=value("title", current.title) or "",
        area_codes=areas,
        starts_at=value("starts_at", current.starts_at),
        ends_at=value("ends_at", current.ends_at),
        registration_deadline=value("registration_deadline", current.registration_deadline),
        capacity=value("capacity", current.capacity),
        venue=value("venue", current.venue) or "",
        online_url=value("online_url", current.online_url),
        host_org_id=value("host", current.host_org_id),
        description=value("description", current.description) or "",
    )


def list_roadshows() -> dict[str, Any]:
    staff = can(caller(), Action.MANAGE_ROADSHOWS)
    return paginated(service.roadshows_query(include_unpublished=staff), serialize_roadshow)


def create_roadshow() -> tuple[dict[str, Any], int]:
    require(Action.MANAGE_ROADSHOWS)
    data = checked_payload(json_body(), ROADSHOW_FIELDS, creating=True)
    roadshow = service.create_roadshow(caller(), _details(data, None))
    if data.get("status") not in (None, RoadshowStatus.PLANNED.value):
        service.move_roadshow(caller(), roadshow, data["status"])
    db.session.commit()
    return serialize_roadshow(roadshow), 201


def get_roadshow(item_id: int) -> dict[str, Any]:
    return serialize_roadshow(service.get_roadshow(item_id, caller()))


def update_roadshow(item_id: int) -> dict[str, Any]:
    roadshow = service.get_roadshow(item_id, caller())
    require(Action.MANAGE_ROADSHOWS, roadshow)
    data = checked_payload(json_body(), ROADSHOW_FIELDS, creating=False)
    status = data.pop("status", None)
    if data:
        service.update_roadshow(caller(), roadshow, _details(data, roadshow))
        registrations.fill_free_seats(roadshow, utcnow())  # a larger capacity moves it up
    if status is not None and status != roadshow.status.value:
        service.move_roadshow(caller(), roadshow, status)
    db.session.commit()
    return serialize_roadshow(roadshow)


def roadshow_proposals(item_id: int) -> dict[str, Any]:
    roadshow = service.get_roadshow(item_id, caller())
    require(Action.MANAGE_ROADSHOWS, roadshow)
    min_score = current_app.config["ROADSHOW_INVITE_MIN_SCORE"]
    return proposals.roadshow_proposals(roadshow, min_score).to_dict()


def register(item_id: int) -> tuple[dict[str, Any], int]:
    roadshow = service.get_roadshow(item_id, caller())
    require(Action.REGISTER_FOR_ROADSHOW, roadshow)
    existing = registrations.registration_of(roadshow, caller())
    registration = registrations.register(caller(), roadshow, utcnow())
    db.session.commit()
    again = existing is not None and existing.id == registration.id and existing.is_active
    return {"id": registration.id, "state": registration.state.value}, 200 if again else 201


def cancel_mine(item_id: int) -> tuple[str, int]:
    roadshow = service.get_roadshow(item_id, caller())
    require(Action.REGISTER_FOR_ROADSHOW, roadshow)
    mine = registrations.registration_of(roadshow, caller())
    if mine is None:
        raise invalid({}, _l("您没有报名这场路演"))
    registrations.cancel(caller(), mine, utcnow())
    db.session.commit()
    return "", 204


def list_registrations(item_id: int) -> dict[str, Any]:
    roadshow = service.get_roadshow(item_id, caller())
    require(Action.MANAGE_ROADSHOWS, roadshow)
    query = (
        select(RoadshowRegistration)
        .where(RoadshowRegistration.roadshow_id == roadshow.id)
        .order_by(RoadshowRegistration.id)
    )
    return paginated(query, serialize_registration)


ITEM = "/roadshows/<int:item_id>"
TAG = "roadshows"
API = ApiSection(
    routes=(
        ApiRoute(
            "GET",
            "/roadshows",
            list_roadshows,
            "路演列表",
            TAG,
            "optional",
            response_schema="Roadshow",
            is_list=True,
            query=PAGING,
            errors=(422,),
        ),
        ApiRoute(
            "POST",
            "/roadshows",
            create_roadshow,
            "新建路演",
            TAG,
            "required",
            request_schema="RoadshowCreate",
            response_schema="Roadshow",
            success=201,
            errors=(*WRITE_ERRORS, 409),
        ),
        ApiRoute(
            "GET",
            ITEM,
            get_roadshow,
            "路演详情",
            TAG,
            "optional",
            response_schema="Roadshow",
            errors=(401, 404),
        ),
        ApiRoute(
            "PATCH",
            ITEM,
            update_roadshow,
            "修改路演（含状态，如开放报名）",
            TAG,
            "required",
            request_schema="RoadshowUpdate",
            response_schema="Roadshow",
            errors=(*WRITE_ERRORS, 404, 409),
        ),
        ApiRoute(
            "GET",
            ITEM + "/proposals",
            roadshow_proposals,
            "推荐路演成果与邀请机构",
            TAG,
            "required",
            response_schema="RoadshowProposals",
            errors=(401, 403, 404),
        ),
        ApiRoute(
            "POST",
            ITEM + "/registrations",
            register,
            "报名（已报名则返回原报名）",
            TAG,
            "required",
            response_schema="RoadshowRegistration",
            success=201,
            errors=(401, 403, 404, 409),
        ),
        ApiRoute(
            "DELETE",
            ITEM + "/registrations/mine",
            cancel_mine,
            "取消我的报名",
            TAG,
            "required",
            success=204,
            errors=(401, 403, 404, 409, 422),
        ),
        ApiRoute(
            "GET",
            ITEM + "/registrations",
            list_registrations,
            "报名名单",
            TAG,
            "required",
            response_schema="RoadshowRegistration",
            is_list=True,
            query=PAGING,
            errors=(401, 403, 404),
        ),
    ),
    schemas={
        **resource_schemas("Roadshow", ROADSHOW_FIELDS),
        "RoadshowRegistration": Schema(REGISTRATION_FIELDS),
        "RoadshowProposals": Schema(PROPOSAL_FIELDS),
    },
)
