"""Visitors' public pages come from a short-lived cache; signed-in users never share it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Technology
from portal.listings.view_counts import write_pending_views
from portal.page_cache import page_cache
from tests.factories import SOLAR, AuthActions, make_published


def _publish_solar(people: dict[str, User]) -> Technology:
    return make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **SOLAR)


def _rename(listing_id: int, title: str) -> None:
    db.session.execute(update(Technology).where(Technology.id == listing_id).values(title=title))
    db.session.commit()


def test_visitors_share_a_cached_page_signed_in_users_do_not(
    app: Flask, people: dict[str, User]
) -> None:
    app.config["PAGE_CACHE_SECONDS"] = 60
    page_cache.clear()
    listing = _publish_solar(people)
    visitor = app.test_client()
    first = visitor.get("/catalogue/")
    assert first.status_code == 200 and SOLAR["title"] in first.get_data(as_text=True)

    _rename(listing.id, "改名后的光伏系统")
    # Another visitor within the cache time gets the kept page, with no one's cookie on it
    # and the security headers of its own response.
    second = app.test_client().get("/catalogue/")
    assert SOLAR["title"] in second.get_data(as_text=True)
    assert "Set-Cookie" not in second.headers
    assert second.headers["X-Content-Type-Options"] == "nosniff"
    # Each language has its own copy.
    english = app.test_client().get("/catalogue/", headers={"Accept-Language": "en"})
    assert "改名后的光伏系统" in english.get_data(as_text=True)

    signed_in = app.test_client()
    AuthActions(signed_in).login(people["enterprise"].email)
    assert "改名后的光伏系统" in signed_in.get("/catalogue/").get_data(as_text=True)

    page_cache.clear()
    assert "改名后的光伏系统" in app.test_client().get("/catalogue/").get_data(as_text=True)


def _views(listing_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Technology.view_count).where(Technology.id == listing_id))


def test_a_cached_detail_page_still_counts_its_views(app: Flask, people: dict[str, User]) -> None:
    app.config["PAGE_CACHE_SECONDS"] = 60
    page_cache.clear()
    listing = _publish_solar(people)
    for _ in range(3):
        assert app.test_client().get(f"/catalogue/{listing.id}").status_code == 200
    assert _views(listing.id) == 3
    assert page_cache.get(f"page:zh_Hans_CN:/catalogue/{listing.id}?") is not None  # it was cached
    # Gathered in memory and written in one go once due, not one write per view.
    app.config["VIEW_COUNT_FLUSH_SECONDS"] = 3600
    for _ in range(4):
        app.test_client().get(f"/catalogue/{listing.id}")
    assert _views(listing.id) == 3
    assert write_pending_views() == 4
    assert _views(listing.id) == 7


def test_a_page_with_a_message_for_its_reader_is_not_kept(
    app: Flask, people: dict[str, User]
) -> None:
    app.config["PAGE_CACHE_SECONDS"] = 60
    page_cache.clear()
    _publish_solar(people)
    leaving = app.test_client()
    auth = AuthActions(leaving)
    auth.login(people["enterprise"].email)
    auth.logout()  # flashes a goodbye, shown on the next page only
    farewell = leaving.get("/").get_data(as_text=True)
    assert app.test_client().get("/").get_data(as_text=True) != farewell
