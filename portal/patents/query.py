"""Selecting patents: the filters the list, the landscape, the export and the API share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, String, cast, false, or_, select

from portal.organizations.models import CarbonType
from portal.patents.legal_status import LegalStatus
from portal.patents.models import Patent, PatentApplicant
from portal.patents.numbers import normalize_name

MAX_QUERY = 200


@dataclass(frozen=True)
class PatentFilter:
    q: str = ""  # words in the title or abstract, or a publication number
    topic: str = ""  # a green topic key
    green: bool | None = None
    applicant: str = ""  # an applicant name, matched normalized
    status: LegalStatus | None = None
    carbon_type: CarbonType | None = None
    area: str = ""  # a plan field code

    @property
    def is_empty(self) -> bool:
        chosen = self.q or self.topic or self.applicant or self.status or self.carbon_type
        return not (chosen or self.area) and self.green is None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def patents_query(filters: PatentFilter) -> Select[tuple[Patent]]:
    """Patents the filters select, newest application first."""
    query = select(Patent)
    q = filters.q.strip()[:MAX_QUERY]
    if q:
        compact = q.replace(" ", "").upper()
        query = query.where(
            or_(
                Patent.title.ilike(_like(q), escape="\\"),
                Patent.abstract.ilike(_like(q), escape="\\"),
                Patent.publication_number == compact,
            )
        )
    if filters.topic:
        # JSON lists differ by backend; the stored text of the list holds '"key"' exactly.
        pattern = _like(f'"{filters.topic}"')
        query = query.where(cast(Patent.green_topics, String).like(pattern, escape="\\"))
    if filters.green is not None:
        query = query.where(Patent.is_green.is_(filters.green))
    if filters.applicant.strip():
        name = normalize_name(filters.applicant)[:300]
        if not name:
            return query.where(false())
        query = query.where(
            Patent.id.in_(
                # Not correlated: a landscape query joins patent_applicants itself.
                select(PatentApplicant.patent_id)
                .where(PatentApplicant.normalized_name.like(_like(name), escape="\\"))
                .correlate(None)
            )
        )
    if filters.status is not None:
        query = query.where(Patent.legal_status == filters.status)
    if filters.carbon_type is not None:
        query = query.where(Patent.carbon_type == filters.carbon_type)
    if filters.area:
        query = query.where(Patent.plan_area == filters.area)
    return query.order_by(Patent.application_year.desc().nulls_last(), Patent.id.desc())


def parse_filter(args: Mapping[str, str]) -> PatentFilter:
    """Filters from query-string arguments; unknown statuses, types, topics or plan fields
    raise ValueError."""
    from matching.taxonomy import plan_area_by_code
    from portal.patents.green import inventory

    topic = args.get("topic", "").strip()
    if topic and topic not in inventory().topics:
        raise ValueError(f"unknown topic {topic[:40]!r}")
    green_arg = args.get("green", "").strip().lower()
    if green_arg not in ("", "true", "false", "1", "0"):
        raise ValueError("green is true or false")
    status = args.get("status", "").strip()
    carbon_type = args.get("carbon_type", "").strip()
    area = args.get("area", "").strip()
    if area and area not in plan_area_by_code():
        raise ValueError(f"unknown plan field {area[:20]!r}")
    return PatentFilter(
        q=args.get("q", "")[:MAX_QUERY],
        topic=topic,
        green=None if not green_arg else green_arg in ("true", "1"),
        applicant=args.get("applicant", "")[:MAX_QUERY],
        status=LegalStatus(status) if status else None,
        carbon_type=CarbonType(carbon_type) if carbon_type else None,
        area=area,
    )
