"""What the search page shows around the hits: type tabs, clickable facets, links to records.

Nothing here asks the database per request: the plan's area names (the only labels stored in
it) come from ``plan_areas``, read once a minute per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from portal.listings.kinds import TRANSFER_MODE_LABELS
from portal.search_index.plan_areas import plan_area_labels
from portal.search_index.query_args import FILTER_FIELDS
from search.documents import SearchHit

DETAIL_PAGES = {
    "technology": ("catalogue.detail", "listing_id"),
    "need": ("needs.detail", "listing_id"),
    "organization": ("orgs.detail", "org_id"),
}
TYPE_LABELS = {
    "": _l("全部"),
    "technology": _l("技术和产品"),
    "need": _l("技术需求"),
    "organization": _l("机构"),
}
FACET_LABELS = {
    "area_action": _l("方案行动"),
    "area": _l("技术领域"),
    "kind": _l("类别"),
    "trl": _l("成熟度 TRL"),
    "transfer_modes": _l("转化方式"),
    "org_kind": _l("机构类型"),
    "district": _l("所在区"),
    "carbon_type": _l("碳类型"),
}
VALUE_LABELS = {
    "kind": {"technology": _l("技术成果"), "product": _l("绿色产品")},
    "org_kind": {
        "university": _l("高校"),
        "institute": _l("科研院所"),
        "enterprise": _l("企业"),
        "agency": _l("服务机构"),
    },
    "carbon_type": {
        "negative": _l("负碳"),
        "zero": _l("零碳"),
        "low": _l("低碳"),
        "none": _l("未分类"),
    },
}
FACET_VALUES_SHOWN = 12


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    count: int | None
    active: bool


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    active: bool
    url: str


@dataclass(frozen=True)
class FacetGroup:
    field: str
    label: str
    options: list[FacetOption]


def _search_url(base: str, args: MultiDict[str, str]) -> str:
    """``base`` (the page's own path) with ``args`` less the page number; built by hand, since
    ``url_for`` for each of a page's ~80 facet links was a third of the page's time."""
    pairs = [(key, value) for key in args if key != "page" for value in args.getlist(key)]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def result_links(hits: Sequence[SearchHit]) -> dict[tuple[str, int], str]:
    links = {}
    for hit in hits:
        endpoint, param = DETAIL_PAGES[hit.doc_type]
        links[(hit.doc_type, hit.doc_id)] = url_for(endpoint, **{param: hit.doc_id})
    return links


def type_tabs(
    args: MultiDict[str, str], facets: dict[str, dict[str, int]], current: str
) -> list[Tab]:
    counts = facets.get("doc_type", {})
    base = url_for("search.results")
    tabs = []
    for doc_type, label in TYPE_LABELS.items():
        changed = MultiDict(args)
        changed.setlist("type", [doc_type] if doc_type else [])
        count = sum(counts.values()) if not doc_type and not current else counts.get(doc_type)
        if doc_type and current and doc_type != current:
            count = None  # only the shown type was counted
        tabs.append(Tab(str(label), _search_url(base, changed), count, doc_type == current))
    return tabs


def hit_type_labels() -> dict[str, str]:
    """The badge of each hit's type, translated once per page rather than once per hit."""
    return {doc_type: str(label) for doc_type, label in TYPE_LABELS.items() if doc_type}


def _value_labels(field: str, values: Sequence[str]) -> dict[str, str]:
    if field in ("area", "area_action"):
        return plan_area_labels()
    if field == "transfer_modes":
        return {k: str(v) for k, v in TRANSFER_MODE_LABELS.items()}
    if field == "trl":
        return {value: f"TRL {value}" for value in values}
    return {k: str(v) for k, v in VALUE_LABELS.get(field, {}).items()}


def facet_groups(args: MultiDict[str, str], facets: dict[str, dict[str, int]]) -> list[FacetGroup]:
    """Each filterable facet with its values (most frequent first) and a link that toggles it."""
    groups = []
    base = url_for("search.results")
    for field in FILTER_FIELDS:
        counts = facets.get(field, {})
        chosen = args.getlist(field)
        values = sorted(counts, key=lambda v: (-counts[v], v))[:FACET_VALUES_SHOWN]
        values += [value for value in chosen if value not in values]
        if not values:
            continue
        labels = _value_labels(field, values)
        options = []
        for value in values:
            changed = MultiDict(args)
            active = value in chosen
            changed.setlist(
                field, [v for v in chosen if v != value] if active else [*chosen, value]
            )
            options.append(
                FacetOption(
                    value,
                    labels.get(value, value),
                    counts.get(value, 0),
                    active,
                    _search_url(base, changed),
                )
            )
        groups.append(FacetGroup(field, str(FACET_LABELS[field]), options))
    return groups
