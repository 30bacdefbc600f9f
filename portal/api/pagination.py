"""List responses: {"items", "total", "page", "per_page"}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select

from portal.api.errors import invalid
from portal.extensions import MAX_PAGE, db

T = TypeVar("T")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def _positive_int(name: str, default: int, limit: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise invalid({name: _l("应为正整数")})
    if limit is not None and int(raw) > limit:
        raise invalid({name: _l("不超过 %(limit)d", limit=limit)})
    return int(raw)


def page_args() -> tuple[int, int]:
    """`page` and `per_page` from the query string; per_page is capped at MAX_PER_PAGE."""
    page = _positive_int("page", 1, MAX_PAGE)
    per_page = min(_positive_int("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return page, per_page


def paginated(query: Select[tuple[T]], serialize: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    page, per_page = page_args()
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)
    return {
        "items": [serialize(item) for item in result.items],
        "total": result.total,
        "page": page,
        "per_page": per_page,
    }
