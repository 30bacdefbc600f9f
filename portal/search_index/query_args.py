"""Search arguments from a query string, checked, for the search page and the API alike.

Filters may repeat (``?trl=7&trl=8``: either value). A value outside its list (an unknown area
code, district, mode, ...) is a client error reported per argument in Chinese, never ignored;
arguments that are not search arguments are ignored, as on every page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from portal.organizations.models import XIAMEN_DISTRICTS
from portal.search_index.documents import SEARCH_PAGE_DOC_TYPES
from portal.search_index.plan_areas import plan_area_codes
from search.documents import (
    CLOSED_FACET_VALUES,
    FACET_FIELDS,
    MAX_PER_PAGE,
    MAX_RESULT_WINDOW,
    SEARCH_MODES,
    InvalidSearchRequest,
    SearchQuery,
)

# Facets a visitor filters on; ``status`` is not one (the index holds published items only).
FILTER_FIELDS = tuple(name for name in FACET_FIELDS if name != "status")
MAX_FILTER_VALUES = 20


class SearchArgsError(ValueError):
    """Arguments that cannot be searched; ``fields`` says what is wrong with each."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(_l("搜索参数有误"))
        self.fields = fields


@dataclass(frozen=True)
class SearchArgs:
    query: SearchQuery
    doc_type: str  # "" for every type


def _allowed(field: str) -> frozenset[str] | None:
    if field in CLOSED_FACET_VALUES:
        return CLOSED_FACET_VALUES[field]
    if field == "district":
        return frozenset(XIAMEN_DISTRICTS)
    if field in ("area", "area_action"):
        return plan_area_codes()
    return None


def _int_arg(
    args: Mapping[str, str], name: str, default: int, low: int, high: int, errors: dict[str, str]
) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = _l("应为 %(low)d-%(high)d 的整数", low=low, high=high)
        return default
    return int(raw)


def parse_search_args(args: MultiDict[str, str], default_per_page: int = 20) -> SearchArgs:
    """A SearchQuery from ``q``, ``type``, ``page``, ``per_page``, ``mode``, the facet filters
    and ``trl_min``/``trl_max``; raises SearchArgsError listing every bad argument."""
    errors: dict[str, str] = {}
    doc_type = (args.get("type") or "").strip()
    if doc_type and doc_type not in SEARCH_PAGE_DOC_TYPES:
        errors["type"] = _l("应为 technology、need 或 organization")
    mode = (args.get("mode") or "hybrid").strip()
    if mode not in SEARCH_MODES:
        errors["mode"] = _l("应为 hybrid、lexical 或 vector")
    filters: dict[str, list[str | int]] = {}
    for field in FILTER_FIELDS:
        values = [v.strip() for v in args.getlist(field) if v.strip()]
        if not values:
            continue
        allowed = _allowed(field)
        if len(values) > MAX_FILTER_VALUES:
            errors[field] = _l("最多 %(limit)d 个值", limit=MAX_FILTER_VALUES)
        elif allowed is not None and any(value not in allowed for value in values):
            errors[field] = _l("不是可选的值")
        else:
            filters[field] = list(dict.fromkeys(values))
    page = _int_arg(args, "page", 1, 1, 10_000, errors)
    per_page = _int_arg(args, "per_page", default_per_page, 1, MAX_PER_PAGE, errors)
    trl_min = _int_arg(args, "trl_min", 0, 1, 9, errors) or None
    trl_max = _int_arg(args, "trl_max", 0, 1, 9, errors) or None
    if "page" not in errors and page * per_page > MAX_RESULT_WINDOW:
        errors["page"] = _l("只能翻看前 %(limit)d 条结果", limit=MAX_RESULT_WINDOW)
    if errors:
        raise SearchArgsError(errors)
    try:
        query = SearchQuery(
            text=args.get("q") or "",
            doc_types=(doc_type,) if doc_type else SEARCH_PAGE_DOC_TYPES,
            filters=filters,
            trl_min=trl_min,
            trl_max=trl_max,
            page=page,
            per_page=per_page,
            mode=mode,  # type: ignore[arg-type]
        )
    except InvalidSearchRequest as error:
        raise SearchArgsError({"q": str(error)}) from error
    return SearchArgs(query, doc_type)
