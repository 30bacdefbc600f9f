"""Pages of the catalogue, needs, contacts and notices, with the bad input they must refuse."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import ListingStatus, Technology
from portal.matches.models import Match, MatchState
from portal.notifications.models import Notification
from tests.factories import AuthActions, make_listing, make_plan_areas

FORM = {
    "title": "钠离子电池储能系统",
    "summary": "面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
    "area": "A01.03",
    "trl": "6",
    "transfer_modes": ["license", "joint_development"],
    "price_min": "50",
    "price_max": "150",
    "advantages": "度电成本比磷酸铁锂低 20%",
}


def test_researcher_posts_broker_publishes_enterprise_finds_and_contacts(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    make_plan_areas()
    auth.login("researcher@test.xm")
    response = client.post("/catalogue/new?kind=technology", data={**FORM, "send_for_review": "1"})
    assert response.status_code == 302
    listing = db.session.scalar(select(Technology))
    assert listing.status is ListingStatus.SUBMITTED
    auth.logout()

    # Not yet public.
    assert client.get(f"/catalogue/{listing.id}").status_code == 404
    auth.login("broker@test.xm")
    assert FORM["title"] in client.get("/catalogue/review").get_data(as_text=True)
    assert client.post(f"/catalogue/{listing.id}/publish").status_code == 302
    auth.logout()

    auth.login("enterprise@test.xm")
    found = client.get("/catalogue/?area=A01&trl_min=5&transfer_mode=license&org_kind=university")
    assert FORM["title"] in found.get_data(as_text=True)
    missed = client.get("/catalogue/?area=A04&trl_min=5")
    assert FORM["title"] not in missed.get_data(as_text=True)
    page = client.get(f"/catalogue/{listing.id}").get_data(as_text=True)
    assert "TRL 6" in page and "度电成本比磷酸铁锂低 20%" in page and "联系发布方" in page
    sent = client.post(
        f"/matches/contact/technology/{listing.id}", data={"message": "我们园区想试用 1 MWh"}
    )
    assert sent.status_code == 302
    match = db.session.scalar(select(Match))
    assert match.state is MatchState.CONTACTED
    assert match.contacting_org_id == people["enterprise"].organization_id
    again = client.post(f"/matches/contact/technology/{listing.id}", data={"message": "再问一次"})
    assert again.status_code == 302 and db.session.query(Match).count() == 1
    auth.logout()

    auth.login("researcher@test.xm")
    nav = client.get("/notifications/").get_data(as_text=True)
    assert "我们园区想试用 1 MWh" in nav
    assert re.search(r"badge rounded-pill[^>]*>\s*2\s*<", nav)  # published + contacted
    client.post("/notifications/read")
    assert db.session.scalar(select(Notification).where(Notification.read_at.is_(None))) is None
    auth.logout()

    auth.login("broker@test.xm")
    assert "我们园区想试用 1 MWh" in client.get("/matches/").get_data(as_text=True)
    client.post(f"/matches/{match.id}/move", data={"state": "negotiating", "feedback": "已约见"})
    db.session.refresh(match)
    assert match.state is MatchState.NEGOTIATING


def test_views_are_counted_for_visitors_not_owners(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    listing = make_listing(ListingKind.NEED, people["enterprise"], published_by=people["broker"])
    client.get(f"/needs/{listing.id}")
    client.get(f"/needs/{listing.id}")
    auth.login("enterprise@test.xm")
    client.get(f"/needs/{listing.id}")
    db.session.refresh(listing)
    assert listing.view_count == 2


def test_request_changes_comment_is_shown_to_the_owner(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    listing = make_listing(ListingKind.NEED, people["enterprise"])
    auth.login("enterprise@test.xm")
    client.post(f"/needs/{listing.id}/submit")
    auth.logout()
    auth.login("broker@test.xm")
    client.post(f"/needs/{listing.id}/request-changes", data={"comment": "请补充预算"})
    auth.logout()
    auth.login("enterprise@test.xm")
    page = client.get(f"/needs/{listing.id}").get_data(as_text=True)
    assert "请补充预算" in page
    assert client.get(f"/needs/{listing.id}/edit").status_code == 200


def test_expired_listing_leaves_the_list_but_keeps_its_page(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    listing = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"]
    )
    listing.expires_at = listing.expires_at.replace(year=2000)
    db.session.commit()
    assert listing.title not in client.get("/catalogue/").get_data(as_text=True)
    page = client.get(f"/catalogue/{listing.id}")
    assert page.status_code == 200 and "已于 2000-" in page.get_data(as_text=True)


def test_organization_page_lists_its_published_items(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    published = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"]
    )
    make_listing(ListingKind.PRODUCT, people["researcher"], title="尚未发布的草稿产品")
    page = client.get(f"/orgs/{published.owner_org_id}").get_data(as_text=True)
    assert published.title in page
    assert "尚未发布的草稿产品" not in page


# --- bad input ---------------------------------------------------------------------------


def test_oversized_and_wrong_values_rerender_the_form_with_messages(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("researcher@test.xm")
    response = client.post(
        "/catalogue/new",
        data={**FORM, "area": "", "title": "长" * 201, "trl": "12", "price_min": "abc"},
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "不超过 200 字" in body and "应为 1-9 的整数" in body and "应为数字" in body
    assert db.session.scalar(select(Technology)) is None
    too_big = client.post("/catalogue/new", data={**FORM, "description": "x" * (2 * 1024 * 1024)})
    assert too_big.status_code == 413


def test_html_is_escaped_on_pages(app: Flask, client: FlaskClient, people: dict[str, User]) -> None:
    listing = make_listing(
        ListingKind.TECHNOLOGY,
        people["researcher"],
        published_by=people["broker"],
        title="<script>alert(1)</script>储能",
        advantages='<img src=x onerror="alert(2)">',
    )
    for url in (f"/catalogue/{listing.id}", "/catalogue/", f"/orgs/{listing.owner_org_id}"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<img src=x" not in body
        assert "&lt;script&gt;alert(1)" in body


def test_other_organizations_get_403_on_edit_delete_and_workflow(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    listing = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"]
    )
    auth.login("other@test.xm")
    assert client.get(f"/catalogue/{listing.id}/edit").status_code == 403
    assert client.post(f"/catalogue/{listing.id}/edit", data=FORM).status_code == 403
    assert client.post(f"/catalogue/{listing.id}/delete").status_code == 403
    assert client.post(f"/catalogue/{listing.id}/archive").status_code == 403
    assert client.post(f"/catalogue/{listing.id}/renew").status_code == 403
    db.session.refresh(listing)
    assert listing.status is ListingStatus.PUBLISHED


def test_publishing_without_the_broker_role_is_403(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    auth.login("researcher@test.xm")
    client.post(f"/catalogue/{listing.id}/submit")
    assert client.post(f"/catalogue/{listing.id}/publish").status_code == 403
    assert client.get("/catalogue/review").status_code == 403
    assert client.get("/catalogue/?status=submitted").status_code == 403
    auth.logout()
    anonymous = client.post(f"/catalogue/{listing.id}/publish")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    db.session.refresh(listing)
    assert listing.status is ListingStatus.SUBMITTED


def test_ids_of_other_kinds_and_unpublished_listings_are_not_found(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    draft = make_listing(ListingKind.NEED, people["enterprise"])
    auth.login("other-ent@test.xm")
    assert client.get(f"/needs/{draft.id}").status_code == 404
    assert client.get(f"/needs/{draft.id}/edit").status_code == 404
    assert client.get("/needs/999999").status_code == 404
    assert (
        client.post(f"/matches/contact/need/{draft.id}", data={"message": "hi"}).status_code == 404
    )
    assert client.post(f"/needs/{draft.id}/teleport").status_code == 404


def test_contact_rules(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    technology = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"]
    )
    need = make_listing(ListingKind.NEED, people["enterprise"], published_by=people["broker"])
    auth.login("other@test.xm")  # a researcher may contact a need, not a technology
    assert client.get(f"/matches/contact/technology/{technology.id}").status_code == 403
    assert client.post(f"/matches/contact/need/{need.id}", data={"message": ""}).status_code == 400
    long = client.post(f"/matches/contact/need/{need.id}", data={"message": "长" * 1001})
    assert long.status_code == 400 and "不超过 1000 字" in long.get_data(as_text=True)
    assert client.get("/matches/?state=won").status_code == 400


def test_only_staff_move_matches_and_a_missing_match_is_404(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    technology = make_listing(
        ListingKind.TECHNOLOGY, people["researcher"], published_by=people["broker"]
    )
    need = make_listing(ListingKind.NEED, people["enterprise"], published_by=people["broker"])
    # Publishing may already have suggested this pair; the match is the same either way.
    pair = {"technology_id": technology.id, "need_id": need.id}
    match = db.session.scalar(select(Match).filter_by(**pair))
    if match is None:
        match = Match(**pair)
        db.session.add(match)
        db.session.commit()
    auth.login("other@test.xm")  # on neither side of the match, and not staff
    moved = client.post(f"/matches/{match.id}/move", data={"state": "contacted"})
    assert moved.status_code == 403
    db.session.refresh(match)
    assert match.state is MatchState.SUGGESTED
    missing = client.post(f"/matches/{match.id + 1}/move", data={"state": "contacted"})
    assert missing.status_code == 404


def test_wrong_filter_values_are_400(app: Flask, client: FlaskClient) -> None:
    for query in ("trl_min=0", "transfer_mode=gift", "district=北京", "kind=need", "sort=random"):
        assert client.get(f"/catalogue/?{query}").status_code == 400, query


def test_missing_csrf_token_is_400(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    listing = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    auth.login("researcher@test.xm")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/catalogue/new", data=FORM).status_code == 400
    assert client.post(f"/catalogue/{listing.id}/submit").status_code == 400
    assert client.post(f"/catalogue/{listing.id}/delete").status_code == 400
    assert client.post("/notifications/read").status_code == 400
    db.session.refresh(listing)
    assert listing.status is ListingStatus.DRAFT
