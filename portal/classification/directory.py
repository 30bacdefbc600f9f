"""The public directory of green tech firms by carbon type (专栏9): filters, counts, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from portal.extensions import db
from portal.imports.cells import guard_formula
from portal.organizations.models import XIAMEN_DISTRICTS, CarbonType, Organization, OrgKind

DIRECTORY_TYPES = (CarbonType.NEGATIVE, CarbonType.ZERO, CarbonType.LOW)
TYPE_LABELS = {CarbonType.NEGATIVE: "负碳", CarbonType.ZERO: "零碳", CarbonType.LOW: "低碳"}
KIND_LABELS = {
    OrgKind.UNIVERSITY: "高校",
    OrgKind.INSTITUTE: "科研院所",
    OrgKind.ENTERPRISE: "企业",
    OrgKind.AGENCY: "服务机构",
}
CSV_HEADER = (
    "机构名称",
    "类型",
    "机构类别",
    "所在区",
    "统一社会信用代码",
    "网站",
    "判定方式",
    "置信度",
    "依据",
)


class DirectoryFilterError(ValueError):
    """A filter value outside its vocabulary."""


@dataclass(frozen=True)
class DirectoryFilter:
    carbon_type: CarbonType | None = None
    district: str | None = None
    kind: OrgKind | None = None


def parse_directory_filter(args: Mapping[str, str]) -> DirectoryFilter:
    """Query-string values (``type``, ``district``, ``kind``); empty means any."""
    type_arg, district, kind_arg = (args.get(k) or None for k in ("type", "district", "kind"))
    try:
        carbon_type = CarbonType(type_arg) if type_arg else None
        kind = OrgKind(kind_arg) if kind_arg else None
    except ValueError as exc:
        raise DirectoryFilterError(str(exc)) from exc
    if carbon_type is not None and carbon_type not in DIRECTORY_TYPES:
        raise DirectoryFilterError(f"type {type_arg} is not listed in the directory")
    if district and district not in XIAMEN_DISTRICTS:
        raise DirectoryFilterError(f"unknown district {district}")
    return DirectoryFilter(carbon_type, district, kind)


def _where(query: Select, filters: DirectoryFilter, *, with_type: bool = True) -> Select:
    if with_type and filters.carbon_type is not None:
        query = query.where(Organization.carbon_type == filters.carbon_type)
    else:
        query = query.where(Organization.carbon_type.in_(DIRECTORY_TYPES))
    if filters.district:
        query = query.where(Organization.district == filters.district)
    if filters.kind is not None:
        query = query.where(Organization.kind == filters.kind)
    return query


def directory_query(filters: DirectoryFilter) -> Select[tuple[Organization]]:
    order = (Organization.carbon_type, Organization.verified.desc(), Organization.name)
    return _where(select(Organization), filters).order_by(*order)


def counts_by_type(filters: DirectoryFilter) -> dict[CarbonType, int]:
    """Firms per type under the district and kind filters (the type filter is left out, so the
    counts say what each type choice would show)."""
    query = _where(
        select(Organization.carbon_type, func.count(Organization.id)), filters, with_type=False
    ).group_by(Organization.carbon_type)
    found = {CarbonType(t): n for t, n in db.session.execute(query)}
    return {t: found.get(t, 0) for t in DIRECTORY_TYPES}


def _csv_row(org: Organization) -> list[str]:
    basis = org.carbon_type_basis or {}
    override = basis.get("override")
    computed = basis.get("computed") or {}
    if override:
        method, confidence, grounds = "人工认定", "", override.get("reason", "")
    else:
        method = "自动判定"
        confidence = f"{computed['confidence']:.2f}" if "confidence" in computed else ""
        grounds = "；".join(computed.get("reasons", []))
    carbon_type = CarbonType(org.carbon_type) if org.carbon_type else None
    return [
        guard_formula(str(v))
        for v in (
            org.name,
            TYPE_LABELS.get(carbon_type, "") if carbon_type else "",
            KIND_LABELS[OrgKind(org.kind)],
            org.district or "",
            org.credit_code or "",
            org.website or "",
            method,
            confidence,
            grounds,
        )
    ]


def directory_csv(organizations: Iterable[Organization]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(_csv_row(org) for org in organizations)
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class ChartBar:
    carbon_type: CarbonType
    label: str
    count: int
    share: float  # of the largest bar, 0-1, for its drawn length


def chart_bars(counts: Mapping[CarbonType, int]) -> list[ChartBar]:
    largest = max(counts.values(), default=0)
    return [
        ChartBar(t, TYPE_LABELS[t], counts.get(t, 0), counts.get(t, 0) / largest if largest else 0)
        for t in DIRECTORY_TYPES
    ]
