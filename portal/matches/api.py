"""GET /api/v1/needs/<id>/matches and /api/v1/technologies/<id>/matches: stored matches as JSON."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from portal.api.auth import caller, require
from portal.api.errors import invalid, not_found
from portal.api.fields import Field, json_timestamp
from portal.api.routing import ApiRoute, ApiSection, QueryParam, Schema
from portal.extensions import db
from portal.listings.kinds import Listing
from portal.listings.models import ListingStatus, Need, Technology
from portal.matches.listing_matches import current_matches, latest_run, visible_deal_state
from portal.matches.models import Match
from portal.security import Action, can

MAX_LIMIT = 50
DEFAULT_LIMIT = 10

MATCH_LIST_FIELDS: dict[str, Field] = {
    "items": Field(
        "array",
        "匹配条目，最好的在前：technology 或 need（id、title）、score、confidence、parts"
        "（semantic、lexical、taxonomy、fit）、explanation（terms、area、checks：name、passed、"
        "detail；notes）、match_id，以及 state（对接状态：只给双方机构和经纪人，"
        "其他调用者没有此项）",
        nullable=False,
        items="object",
    ),
    "total": Field("integer", "返回的条数", nullable=False),
    "limit": Field("integer", "请求的条数上限", nullable=False),
    "computed_at": Field("string", "最近一次计算匹配的时间（UTC）", format="date-time"),
    "failed_checks": Field(
        "array",
        "排除了候选的适配条件（name、passed、detail），没有匹配时说明原因",
        nullable=False,
        items="object",
    ),
}


def _limit() -> int:
    raw = (request.args.get("limit") or "").strip()
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise invalid(
            {"limit": _l("应为 1 到 %(limit)d 的整数", limit=MAX_LIMIT)}, _l("查询参数有误")
        )
    return int(raw)


def _visible(model: type[Technology] | type[Need], item_id: int, noun: Any) -> Listing:
    listing = db.session.get(model, item_id)
    # Unpublished listings are not revealed to those who may not see them (as on the pages).
    if listing is None or (
        listing.status is not ListingStatus.PUBLISHED
        and not can(caller(), Action.VIEW_UNPUBLISHED, listing)
    ):
        raise not_found(noun)
    return listing


def match_item(match: Match, counterpart: str) -> dict[str, Any]:
    """One match as JSON; its deal state only for those who may see it."""
    other = match.technology if counterpart == "technology" else match.need
    explanation = match.explanation or {}
    item = {
        counterpart: {"id": other.id, "title": other.title},
        "score": match.score,
        "confidence": match.confidence,
        "parts": match.score_parts or {},
        "explanation": {
            "terms": explanation.get("terms", []),
            "area": explanation.get("area"),
            "checks": explanation.get("checks", []),
            "notes": explanation.get("notes", []),
        },
        "match_id": match.id,
    }
    if (state := visible_deal_state(caller(), match)) is not None:
        item["state"] = state.value
    return item


def _answer(listing: Listing, counterpart: str) -> dict[str, Any]:
    limit = _limit()
    items = [match_item(match, counterpart) for match in current_matches(listing, limit)]
    run = latest_run(listing)
    return {
        "items": items,
        "total": len(items),
        "limit": limit,
        "computed_at": json_timestamp(run.computed_at) if run else None,
        "failed_checks": run.failed_checks if run else [],
    }


def need_matches(item_id: int) -> dict[str, Any]:
    """A published need's best technologies: public, like the technologies themselves."""
    return _answer(_visible(Need, item_id, _l("需求")), "technology")


def technology_matches(item_id: int) -> dict[str, Any]:
    """The needs a technology matches: for its owner organization and brokers."""
    technology = _visible(Technology, item_id, _l("技术"))
    require(Action.VIEW_LISTING_MATCHES, technology)
    return _answer(technology, "need")


MATCH_QUERY = (QueryParam("limit", "integer", "返回条数，默认 10，最多 50"),)

API = ApiSection(
    routes=(
        ApiRoute(
            "GET",
            "/needs/<int:item_id>/matches",
            need_matches,
            "需求的匹配技术（附解释）",
            "matches",
            "optional",
            response_schema="MatchList",
            query=MATCH_QUERY,
            errors=(404, 422),
        ),
        ApiRoute(
            "GET",
            "/technologies/<int:item_id>/matches",
            technology_matches,
            "技术的匹配需求（发布方和经纪人可见）",
            "matches",
            "required",
            response_schema="MatchList",
            query=MATCH_QUERY,
            errors=(401, 403, 404, 422),
        ),
    ),
    schemas={"MatchList": Schema(MATCH_LIST_FIELDS)},
)
