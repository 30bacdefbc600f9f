"""Below the recommendation threshold nothing is offered; an empty ranking says so and what to do
next; lists sort by score and show it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Technology
from portal.matches.models import Match, MatchRun
from portal.matches.service import express_interest
from tests.factories import BATTERY, STORAGE_NEED, AuthActions, make_published

HOSTILE_NEED = {**STORAGE_NEED, "title": "<script>alert(1)</script>储能需求"}


def test_nothing_below_the_threshold_is_offered_and_the_page_says_what_to_do(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    app.config["MATCH_WEIGHTS"] = {"recommend_min": 0.99}  # no text pair reaches this
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **HOSTILE_NEED)
    assert db.session.scalar(select(Match)) is None
    run = db.session.scalar(select(MatchRun).where(MatchRun.entity_type == "need"))
    assert run.results == 0 and run.failed_checks[-1]["name"] == "recommend_min"
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "平台暂未找到足够相符的匹配" in page and "未作推荐" in page
    assert 'id="match-next-steps"' in page and "/search?q=" in page
    assert "订阅新匹配" in page and "技术经纪人" in page
    assert "<script>alert(1)</script>" not in page
    auth.login("enterprise@test.xm")
    assert client.get("/matches/board").status_code == 403  # the board is the brokers'
    auth.logout()
    auth.login("broker@test.xm")
    board = client.get("/matches/board").get_data(as_text=True)
    assert "暂无推荐的需求（1）" in board and f"/needs/{need.id}" in board
    assert "<script>alert(1)</script>" not in board


def test_matches_above_the_threshold_are_offered(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    app.config["MATCH_WEIGHTS"] = {"recommend_min": 0.05}
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    assert db.session.scalar(select(Match)) is not None
    page = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert BATTERY["title"] in page and 'id="match-next-steps"' not in page


def test_my_matches_sort_by_score_and_show_it(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    technology = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    suggested = db.session.scalar(select(Match))
    express_interest(
        db.session.get(Technology, technology.id), "想了解", people["other_enterprise"]
    )
    db.session.commit()
    auth.login("broker@test.xm")
    page = client.get("/matches/").get_data(as_text=True)
    score = f"{suggested.score:.2f}"
    assert score in page
    assert page.index(score) < page.index("想了解")  # the scored suggestion comes first
