"""/api/v1/technologies and /api/v1/needs: each route per caller, and the workflow by PATCH."""

from __future__ import annotations

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import ListingStatus, Technology
from tests.factories import ApiClient, listing_data, make_listing, make_plan_areas

TECH = listing_data(ListingKind.TECHNOLOGY, trl=6, transfer_modes=["license"], price_min=50)
NEED = listing_data(ListingKind.NEED, min_trl=5, budget_max=200)


def test_anonymous_callers_see_published_listings_only(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    published = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"], trl=7
    )
    draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"], title="未发布的成果")
    body = api[None].get("/technologies").json
    assert [item["id"] for item in body["items"]] == [published.id]
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 20)
    assert body["items"][0]["owner_org_name"] == "厦门大学"
    assert api[None].get(f"/technologies/{published.id}").status_code == 200
    # An unpublished id reads as missing to outsiders: no probing for drafts.
    assert api[None].get(f"/technologies/{draft.id}").status_code == 404
    assert api[None].get(f"/technologies/{draft.id + 999}").status_code == 404
    assert api[None].get("/technologies?status=draft").status_code == 401


def test_unpublished_listings_are_for_their_owners_and_staff(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    make_listing(ListingKind.TECHNOLOGY, people["other_researcher"], title="他人的草稿")
    path = f"/technologies/{draft.id}"
    assert api["researcher"].get(path).status_code == 200
    assert api["broker"].get(path).status_code == 200
    missing = f"/technologies/{draft.id + 999}"
    for outsider in ("other_researcher", "enterprise"):
        assert api[outsider].get(path).status_code == 404
        assert api[outsider].get(path).json == api[outsider].get(missing).json
    own = api["researcher"].get("/technologies?status=draft").json
    assert [item["id"] for item in own["items"]] == [draft.id]
    assert api["broker"].get("/technologies?status=draft").json["total"] == 2
    assert api["enterprise"].get("/technologies?status=draft").json["total"] == 0


def test_list_filters_are_those_of_the_pages(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    make_plan_areas()
    broker = people["broker"]
    storage = make_listing(
        ListingKind.TECHNOLOGY,
        people["researcher"],
        published_by=broker,
        area="A01.03",
        trl=8,
        transfer_modes=["license"],
    )
    make_listing(
        ListingKind.TECHNOLOGY,
        people["other_researcher"],
        published_by=broker,
        area="A04.02",
        trl=3,
        transfer_modes=["equity"],
    )
    for query in (
        "area=A01",
        "trl_min=6",
        "transfer_mode=license",
        "org_kind=university",
        f"org={people['researcher'].organization_id}",
    ):
        items = api[None].get(f"/technologies?{query}").json["items"]
        assert [item["id"] for item in items] == [storage.id], query
    assert api[None].get("/technologies?kind=product").json["total"] == 0
    assert api[None].get("/needs?kind=product").status_code == 422


def test_create_respects_roles(api: dict[str | None, ApiClient], people: dict[str, User]) -> None:
    assert api[None].post("/technologies", TECH).status_code == 401
    assert api["enterprise"].post("/technologies", TECH).status_code == 403
    assert api["researcher"].post("/needs", NEED).status_code == 403
    created = api["researcher"].post("/technologies", TECH)
    assert created.status_code == 201
    assert created.json["status"] == "draft" and created.json["trl"] == 6
    assert created.json["price_min"] == 50 and created.json["kind"] == "technology"
    need = api["enterprise"].post("/needs", NEED)
    assert need.status_code == 201 and need.json["budget_max"] == 200
    product = api["enterprise"].post("/technologies", {**TECH, "kind": "product"})
    assert product.status_code == 201 and product.json["kind"] == "product"
    assert (
        api["researcher"].post("/technologies", {**TECH, "status": "published"}).status_code == 422
    )


def test_posting_for_another_organization_is_for_staff(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    other_org = people["other_researcher"].organization_id
    body = {**TECH, "owner_org_id": other_org}
    assert api["researcher"].post("/technologies", body).status_code == 403
    created = api["broker"].post("/technologies", body)
    assert created.status_code == 201
    assert db.session.get(Technology, created.json["id"]).owner_org_id == other_org
    assert api["broker"].post("/technologies", {**TECH, "owner_org_id": 99999}).status_code == 422


def test_update_and_delete_belong_to_the_owner_and_staff(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    need = make_listing(ListingKind.NEED, people["enterprise"])
    path = f"/needs/{need.id}"
    change = {"region": "同安区", "budget_min": 10}
    assert api[None].patch(path, change).status_code == 401
    # The draft is not visible to other organizations, so it is not found for them.
    assert api["other_enterprise"].patch(path, change).status_code == 404
    assert api["researcher"].patch(path, change).status_code == 404
    assert api["enterprise"].patch(path, change).json["region"] == "同安区"
    assert api["broker"].patch(path, {"region": "翔安区"}).json["region"] == "翔安区"
    assert api["other_enterprise"].delete(path).status_code == 404
    assert api[None].delete(path).status_code == 401
    assert api["enterprise"].delete(path).status_code == 204
    assert api["enterprise"].get(path).status_code == 404
    other = make_listing(ListingKind.NEED, people["enterprise"])
    assert api["broker"].delete(f"/needs/{other.id}").status_code == 204


def test_workflow_by_patching_status(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    tech = api["researcher"].post("/technologies", TECH).json
    path = f"/technologies/{tech['id']}"
    assert api["researcher"].patch(path, {"status": "submitted"}).json["status"] == "submitted"
    assert api["researcher"].patch(path, {"status": "published"}).status_code == 403
    # Another organization cannot see the submitted listing: it is not found for them.
    assert api["enterprise"].patch(path, {"status": "published"}).status_code == 404
    sent_back = api["broker"].patch(path, {"status": "draft", "review_comment": "请补充中试数据"})
    assert sent_back.json["status"] == "draft"
    assert sent_back.json["review_comment"] == "请补充中试数据"
    unchanged = api["broker"].patch(path, {"status": "draft"})  # already a draft: nothing to do
    assert unchanged.status_code == 200
    assert unchanged.json["status"] == "draft"
    assert unchanged.json["review_comment"] == "请补充中试数据"
    assert api["researcher"].patch(path, {"status": "submitted"}).status_code == 200
    published = api["broker"].patch(path, {"status": "published"})
    assert published.status_code == 200 and published.json["published_at"]
    assert api[None].get(path).status_code == 200
    archived = api["broker"].patch(path, {"status": "archived"})
    assert archived.json["status"] == ListingStatus.ARCHIVED.value
    assert api["broker"].patch(path, {"status": "published"}).status_code == 409
    actions = {entry.action for entry in db.session.query(AuditLog)}
    assert {"listing.publish", "listing.request_changes", "listing.archive"} <= actions


def test_review_comment_goes_only_with_draft(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    tech = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    response = api["broker"].patch(f"/technologies/{tech.id}", {"review_comment": "改一改"})
    assert response.status_code == 422


def test_a_failed_status_change_keeps_the_field_changes_out(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    tech = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    response = api["researcher"].patch(
        f"/technologies/{tech.id}", {"title": "改过的标题", "status": "published"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Technology, tech.id).title != "改过的标题"


def test_ids_of_the_other_collection_are_not_found(
    api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    need = make_listing(ListingKind.NEED, people["enterprise"], published_by=people["broker"])
    assert db.session.get(Technology, need.id) is None  # the id is only a need's
    assert api[None].get(f"/technologies/{need.id}").status_code == 404
    assert api[None].get(f"/needs/{need.id}").json["title"] == need.title
