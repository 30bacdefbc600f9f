"""/api/v1/organizations: each route for anonymous callers, members, other organizations, staff."""

from __future__ import annotations

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.organizations.models import Organization
from tests.factories import ApiClient, make_listing

# A valid 统一社会信用代码 (check digit per GB 32100-2015).
VALID_CODE = "91350200MA2Y2XJ49T"


def org_id(people: dict[str, User], who: str) -> int:
    return people[who].organization_id


def test_anyone_lists_and_reads_organizations(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    listing = api[None].get("/organizations?kind=enterprise&per_page=1")
    assert listing.status_code == 200
    assert listing.json["total"] == 2 and listing.json["per_page"] == 1
    assert len(listing.json["items"]) == 1 and listing.json["page"] == 1
    detail = api[None].get(f"/organizations/{org_id(people, 'researcher')}")
    assert detail.json["name"] == "厦门大学" and detail.json["kind"] == "university"


def test_create_is_for_staff(api: dict[str | None, ApiClient]) -> None:
    body = {"name": "厦门碳中和研究院", "kind": "institute", "district": "集美区"}
    assert api[None].post("/organizations", body).status_code == 401
    assert api["researcher"].post("/organizations", body).status_code == 403
    assert api["enterprise"].post("/organizations", body).status_code == 403
    created = api["broker"].post("/organizations", body)
    assert created.status_code == 201 and created.json["district"] == "集美区"
    assert db.session.query(AuditLog).filter_by(action="organization.create").count() == 1
    again = api["admin"].post("/organizations", body)
    assert again.status_code == 409


def test_create_checks_credit_code_and_district(api: dict[str | None, ApiClient]) -> None:
    bad_code = {"name": "甲公司", "kind": "enterprise", "credit_code": "91350200MA2Y2XJ49L"}
    assert api["broker"].post("/organizations", bad_code).status_code == 422
    assert (
        api["broker"]
        .post("/organizations", {"name": "乙", "kind": "enterprise", "district": "朝阳区"})
        .status_code
        == 422
    )
    assert api["broker"].post("/organizations", {"kind": "enterprise"}).json["error"]["fields"] == {
        "name": "必填"
    }
    good = {"name": "丙公司", "kind": "enterprise", "credit_code": VALID_CODE}
    assert api["broker"].post("/organizations", good).status_code == 201
    clash = {"name": "丁公司", "kind": "enterprise", "credit_code": VALID_CODE}
    assert api["broker"].post("/organizations", clash).status_code == 409


def test_members_edit_their_own_organization_only(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    own = f"/organizations/{org_id(people, 'enterprise')}"
    change = {"description": "专注光伏运维", "website": "https://example.com"}
    assert api[None].patch(own, change).status_code == 401
    assert api["other_enterprise"].patch(own, change).status_code == 403
    assert api["broker"].patch(own, change).status_code == 403
    updated = api["enterprise"].patch(own, change)
    assert updated.status_code == 200
    assert updated.json["description"] == "专注光伏运维"
    assert updated.json["name"] == "厦门示例新能源有限公司"
    assert api["admin"].patch(own, {"industry": "新能源"}).json["industry"] == "新能源"
    assert api["enterprise"].patch(own, {"website": "javascript:alert(1)"}).status_code == 422
    assert api["enterprise"].patch(own, {"name": "改名"}).status_code == 422
    assert api["enterprise"].patch(own, {"verified": True}).status_code == 422


def test_only_admins_delete_and_only_organizations_without_listings(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    empty = api["broker"].post("/organizations", {"name": "空机构", "kind": "agency"}).json
    path = f"/organizations/{empty['id']}"
    assert api[None].delete(path).status_code == 401
    assert api["broker"].delete(path).status_code == 403
    assert api["enterprise"].delete(path).status_code == 403
    assert api["admin"].delete(path).status_code == 204
    assert db.session.get(Organization, empty["id"]) is None
    assert api[None].get(path).status_code == 404

    make_listing(ListingKind.NEED, people["enterprise"])
    busy = f"/organizations/{org_id(people, 'enterprise')}"
    assert api["admin"].delete(busy).status_code == 409
