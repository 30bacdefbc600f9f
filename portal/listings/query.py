"""Filtered, sorted queries of listings, shared by list pages, the API and CSV export.

`parse_listing_filter(args)` reads query-string style arguments (strings) into a
`ListingFilter` plus Chinese errors per argument; `listings_query(model, filters)`
turns it into a SQLAlchemy select. Without a `status`, lists show what the public
sees: published listings that have not expired.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, cast, or_, select

from portal.extensions import db
from portal.listings.models import ListingStatus, Need, Technology, TechnologyKind, TransferMode
from portal.model_mixins import utcnow
from portal.organizations.models import XIAMEN_DISTRICTS, Organization, OrgKind
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea
from portal.urls import row_id


class ListingSort(enum.StrEnum):
    NEWEST = "newest"
    MOST_VIEWED = "views"


@dataclass(frozen=True)
class ListingFilter:
    area: str | None = None  # plan code; an action code includes its fields
    kind: TechnologyKind | None = None  # catalogue only
    trl_min: int | None = None  # on needs: the maturity they ask for
    trl_max: int | None = None
    transfer_mode: TransferMode | None = None
    org_kind: OrgKind | None = None
    district: str | None = None
    owner_org_id: int | None = None
    status: ListingStatus | None = None  # None: published and not expired
    all_statuses: bool = False  # an owner's own list: every status, status ignored
    include_expired: bool = False
    sort: ListingSort = ListingSort.NEWEST


FILTER_ARGS = (
    "area",
    "org",
    "kind",
    "trl_min",
    "trl_max",
    "transfer_mode",
    "org_kind",
    "district",
    "status",
    "sort",
)


def parse_listing_filter(args: Mapping[str, str]) -> tuple[ListingFilter, dict[str, str]]:
    """Read filter arguments (as in a query string); unknown values are reported, not ignored.

    Arguments: area, org (owner organization id), kind (technology|product), trl_min,
    trl_max (1-9), transfer_mode, org_kind, district, status, sort (newest|views).
    Empty values mean "any".
    """
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    enums: dict[str, type[enum.Enum]] = {
        "kind": TechnologyKind,
        "transfer_mode": TransferMode,
        "org_kind": OrgKind,
        "status": ListingStatus,
        "sort": ListingSort,
    }
    for name in FILTER_ARGS:
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        if name in enums:
            try:
                values[name] = enums[name](raw)
            except ValueError:
                errors[name] = _l("不是可选的值")
        elif name in ("trl_min", "trl_max"):
            if raw.isdigit() and 1 <= int(raw) <= 9:
                values[name] = int(raw)
            else:
                errors[name] = _l("应为 1-9 的整数")
        elif name == "org":
            if (org_id := row_id(raw)) is not None:
                values["owner_org_id"] = org_id
            else:
                errors[name] = _l("应为机构编号")
        elif name == "district":
            if raw in XIAMEN_DISTRICTS:
                values[name] = raw
            else:
                errors[name] = _l("不是厦门的行政区")
        else:
            values[name] = raw[:20]
    return ListingFilter(**values), errors  # type: ignore[arg-type]


def listings_query(
    model: type[Technology] | type[Need], filters: ListingFilter, today: date | None = None
) -> Select[tuple[Technology]] | Select[tuple[Need]]:
    """A select of `model` rows (Technology or Need) matching `filters`, sorted."""
    today = today or utcnow().date()
    query = select(model)
    if not filters.all_statuses:
        query = query.where(model.status == (filters.status or ListingStatus.PUBLISHED))
    public = filters.status in (None, ListingStatus.PUBLISHED) and not filters.all_statuses
    if public and not filters.include_expired:
        query = query.where(or_(model.expires_at.is_(None), model.expires_at >= today))
    if filters.area:
        area_ids = select(TaxonomyArea.id).where(
            TaxonomyArea.taxonomy == PLAN_TAXONOMY,
            or_(
                TaxonomyArea.code == filters.area,
                TaxonomyArea.parent_id.in_(
                    select(TaxonomyArea.id).where(
                        TaxonomyArea.taxonomy == PLAN_TAXONOMY,
                        TaxonomyArea.code == filters.area,
                    )
                ),
            ),
        )
        query = query.where(model.area_id.in_(area_ids))
    if filters.kind is not None and model is Technology:
        query = query.where(Technology.kind == filters.kind)
    trl_column = Technology.trl if model is Technology else Need.min_trl
    if filters.trl_min is not None:
        query = query.where(trl_column >= filters.trl_min)
    if filters.trl_max is not None:
        query = query.where(trl_column <= filters.trl_max)
    if filters.transfer_mode is not None:
        # Modes are a JSON list; its text form holds each mode in quotes on both databases.
        modes_text = cast(model.transfer_modes, String)
        query = query.where(modes_text.contains(f'"{filters.transfer_mode.value}"'))
    if filters.owner_org_id is not None:
        query = query.where(model.owner_org_id == filters.owner_org_id)
    if filters.org_kind is not None or filters.district:
        query = query.join(Organization, Organization.id == model.owner_org_id)
        if filters.org_kind is not None:
            query = query.where(Organization.kind == filters.org_kind)
        if filters.district:
            query = query.where(Organization.district == filters.district)
    if filters.sort is ListingSort.MOST_VIEWED:
        query = query.order_by(model.view_count.desc(), model.id.desc())
    else:
        newest = model.published_at.desc()
        if not public:
            # Lists that hold rows never published put them last on both databases. A public
            # list has none (publishing sets the time), and its order must match the index
            # exactly, which SQLite cannot give NULLS LAST.
            newest = newest.nulls_last()
        query = query.order_by(newest, model.created_at.desc(), model.id.desc())
    return query


@dataclass(frozen=True)
class OrganizationListings:
    catalogue: list[Technology]
    needs: list[Need]


def organization_listings(org_id: int, limit: int = 20) -> OrganizationListings:
    """What an organization's page shows: its published, unexpired items, newest first."""
    filters = ListingFilter(owner_org_id=org_id)
    return OrganizationListings(
        catalogue=list(db.session.scalars(listings_query(Technology, filters).limit(limit))),
        needs=list(db.session.scalars(listings_query(Need, filters).limit(limit))),
    )
