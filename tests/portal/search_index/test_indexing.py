"""Writes reach the index through the outbox: publish, edit, archive, expiry, organizations."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Technology
from portal.listings.service import archive_listing, publish_listing, submit_listing
from portal.organizations.models import Organization
from portal.organizations.service import OrganizationDetails, update_organization
from portal.outbox import service as outbox
from portal.outbox.service import backlog
from portal.search_index.documents import listings_deleted_with_organization
from portal.search_index.service import run_search, sync
from search.documents import SearchQuery
from tests.factories import make_listing


def found(text: str, doc_type: str = "technology", **filters: list[str | int]) -> list[int]:
    query = SearchQuery(text, doc_types=(doc_type,), filters=filters)
    return [hit.doc_id for hit in run_search(query).result.hits]


def publish_battery(people: dict[str, User]):
    return make_listing(
        ListingKind.TECHNOLOGY,
        people["researcher"],
        published_by=people["broker"],
        title="钠离子电池储能系统",
        summary="面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
        area="A01.03",
        trl=7,
        transfer_modes=["license"],
    )


def test_publishing_makes_a_technology_findable(
    app: Flask, search_on: str, people_for_search: dict[str, User]
) -> None:
    draft = make_listing(
        ListingKind.TECHNOLOGY, people_for_search["researcher"], title="钠离子电池储能系统"
    )
    assert found("钠离子电池") == []  # drafts are not public
    submit_listing(draft, people_for_search["researcher"])
    publish_listing(draft, people_for_search["broker"])
    db.session.commit()
    assert found("钠离子电池") == [draft.id]
    assert found("蓄能") == [draft.id]  # 储能 = 蓄能 in the synonym table
    assert backlog() == 0


def test_facets_follow_the_record_and_its_owner(
    app: Flask, search_on: str, people_for_search: dict[str, User]
) -> None:
    tech = publish_battery(people_for_search)
    answer = run_search(SearchQuery("储能", doc_types=("technology",)))
    facets = answer.result.facets
    assert facets["area"] == {"A01.03": 1} and facets["area_action"] == {"A01": 1}
    assert facets["trl"] == {"7": 1} and facets["district"] == {"思明区": 1}
    assert found("储能", district=["湖里区"]) == []

    org = tech.owner_org
    update_organization(
        org, OrganizationDetails(district="集美区", description="海洋负碳与储能研究")
    )
    db.session.commit()
    assert found("储能", district=["集美区"]) == [tech.id]
    assert found("海洋负碳", doc_type="organization") == [org.id]


def test_archiving_and_expiry_remove_a_listing(
    app: Flask, search_on: str, people_for_search: dict[str, User]
) -> None:
    tech = publish_battery(people_for_search)
    other = make_listing(
        ListingKind.TECHNOLOGY,
        people_for_search["researcher"],
        published_by=people_for_search["broker"],
        title="钠离子电池正极材料",
    )
    assert set(found("钠离子电池")) == {tech.id, other.id}
    archive_listing(tech, people_for_search["researcher"])
    db.session.commit()
    assert found("钠离子电池") == [other.id]

    # Expiry is a date passing, not a write: `search sync` removes what expired since.
    expiry = other.expires_at
    report = sync(app, today=expiry + timedelta(days=1))
    assert report.expired_removed == 1
    assert found("钠离子电池") == []


def test_deleting_an_organization_removes_it_and_its_listings(
    app: Flask, search_on: str, people_for_search: dict[str, User]
) -> None:
    tech = publish_battery(people_for_search)
    tech_id = tech.id
    org = tech.owner_org
    assert org.id in found("厦门大学", doc_type="organization")
    for user in org.members:
        user.organization = None
    db.session.delete(org)
    db.session.commit()
    assert org.id not in found("厦门大学", doc_type="organization")
    # Both databases cascade the delete to the listings; the index must follow.
    db.session.expire_all()
    assert db.session.get(Technology, tech_id) is None
    assert found("钠离子电池") == []


def test_the_organization_cascade_is_declared_by_search_not_by_the_outbox(
    app: Flask, search_on: str, people_for_search: dict[str, User], monkeypatch
) -> None:
    """Without the cascade search registers, the outbox would not know the listings went."""
    assert listings_deleted_with_organization in outbox._cascades[Organization]
    monkeypatch.setitem(outbox._cascades, Organization, [])
    tech = publish_battery(people_for_search)
    tech_id, org = tech.id, tech.owner_org
    for user in org.members:
        user.organization = None
    db.session.delete(org)
    db.session.commit()
    assert org.id not in found("厦门大学", doc_type="organization")
    assert found("钠离子电池") == [tech_id]  # stale: nothing recorded the cascaded delete


def test_expired_listings_are_not_indexed_on_write(
    app: Flask, search_on: str, people_for_search: dict[str, User]
) -> None:
    tech = publish_battery(people_for_search)
    tech.expires_at = date.today() - timedelta(days=1)
    db.session.commit()
    assert found("钠离子电池") == []
