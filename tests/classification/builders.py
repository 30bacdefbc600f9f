"""Builders for the classification tests: organizations with published items of a known type."""

from __future__ import annotations

from typing import Any

from portal.auth.models import User
from portal.listings.kinds import ListingKind
from portal.orgs.models import Organization
from tests.catalogue.listing_builders import make_listing

SOLAR = {
    "title": "屋顶分布式光伏发电系统",
    "summary": "工商业屋顶分布式光伏发电与储能一体化系统，自发自用，余电上网。",
}
CARBON_SINK = {
    "title": "碳汇造林与二氧化碳捕集封存",
    "summary": "碳汇林植树造林项目计量监测，燃煤电厂烟气二氧化碳捕集、利用与封存（CCUS）。",
}


def publish_item(owner: User, broker: User, item: dict[str, Any]) -> None:
    make_listing(ListingKind.TECHNOLOGY, owner, published_by=broker, **item)


def org_of(user: User) -> Organization:
    assert user.organization is not None
    return user.organization
