"""Builders for listings in the catalogue and needs tests."""

from __future__ import annotations

from typing import Any

from portal.auth.models import User
from portal.extensions import db
from portal.listings.kinds import Listing, ListingKind
from portal.listings.service import create_listing, publish_listing, submit_listing
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea


def make_plan_areas() -> None:
    """Two actions with one field each, enough for area filters."""
    energy = TaxonomyArea(
        taxonomy=PLAN_TAXONOMY, code="A01", name="能源绿色低碳转型", level="action"
    )
    storage = TaxonomyArea(
        taxonomy=PLAN_TAXONOMY, code="A01.03", name="储能技术", level="field", parent=energy
    )
    negative = TaxonomyArea(taxonomy=PLAN_TAXONOMY, code="A04", name="负碳", level="action")
    ccus = TaxonomyArea(
        taxonomy=PLAN_TAXONOMY, code="A04.02", name="CCUS 技术", level="field", parent=negative
    )
    db.session.add_all([energy, storage, negative, ccus])
    db.session.commit()


def listing_data(kind: ListingKind, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "钠离子电池储能系统" if kind is not ListingKind.NEED else "工业园区储能需求",
        "summary": "面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
    }
    data.update(fields)
    return data


def make_listing(
    kind: ListingKind, owner: User, *, published_by: User | None = None, **fields: Any
) -> Listing:
    listing = create_listing(kind, listing_data(kind, **fields), owner)
    if published_by is not None:
        submit_listing(listing, owner)
        publish_listing(listing, published_by)
    db.session.commit()
    return listing
