"""Match pages, feedback, the broker's board and pipeline, subscriptions and the API, per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditLog
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import Need, Technology
from portal.matches.models import Match, MatchFeedback, MatchState, MatchSubscription
from portal.matches.service import express_interest
from portal.matches.subscriptions import send_digests, subscribe
from portal.model_mixins import utcnow
from portal.notifications.models import Notification
from tests.factories import BATTERY, STORAGE_NEED, AuthActions, make_published


@pytest.fixture
def pair(app: Flask, people: dict[str, User]) -> Match:
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    return db.session.scalar(select(Match))


def test_need_page_shows_match_cards_to_everyone(client: FlaskClient, pair: Match) -> None:
    page = client.get(f"/needs/{pair.need_id}").get_data(as_text=True)
    assert BATTERY["title"] in page and "厦门大学" in page  # title and organization
    assert "匹配度" in page and "共同关键词" in page and "技术 TRL 7 ≥ 需求要求 6" in page
    assert "反馈" not in page  # visitors cannot give feedback


def test_technology_page_shows_matching_needs_to_owner_and_brokers_only(
    client: FlaskClient, auth: AuthActions, pair: Match
) -> None:
    url = f"/catalogue/{pair.technology_id}"
    assert STORAGE_NEED["title"] not in client.get(url).get_data(as_text=True)
    for email, sees in [
        ("other@test.xm", False),
        ("enterprise@test.xm", False),
        ("researcher@test.xm", True),
        ("broker@test.xm", True),
    ]:
        auth.login(email)
        assert (STORAGE_NEED["title"] in client.get(url).get_data(as_text=True)) is sees, email
        auth.logout()


def test_feedback_by_either_owner_with_a_reason_from_the_fixed_list(
    client: FlaskClient, auth: AuthActions, pair: Match, people: dict[str, User]
) -> None:
    url = f"/matches/{pair.id}/feedback"
    auth.login("other-ent@test.xm")
    assert client.post(url, data={"relevant": "no", "reason": "price"}).status_code == 403
    auth.logout()
    auth.login("enterprise@test.xm")
    assert client.post("/matches/999/feedback", data={"relevant": "yes"}).status_code == 404
    client.post(url, data={"relevant": "no", "reason": ""})  # a reason is required
    assert db.session.scalar(select(MatchFeedback)) is None
    client.post(url, data={"relevant": "no", "reason": "too_early", "comment": "还在中试"})
    client.post(url, data={"relevant": "no", "reason": "price"})  # replaces, does not add
    auth.logout()
    auth.login("researcher@test.xm")
    assert client.post(url, data={"relevant": "yes"}).status_code == 302
    verdicts = {f.organization_id: f for f in db.session.scalars(select(MatchFeedback))}
    assert verdicts[people["enterprise"].organization_id].reason.value == "price"
    assert verdicts[people["researcher"].organization_id].relevant is True


def test_board_filters_and_the_audited_pipeline(
    client: FlaskClient, auth: AuthActions, pair: Match
) -> None:
    assert client.get("/matches/board").status_code == 302  # to the log-in page
    auth.login("enterprise@test.xm")
    assert client.get("/matches/board").status_code == 403
    auth.logout()
    auth.login("broker@test.xm")
    assert BATTERY["title"] in client.get("/matches/board?min_score=0").get_data(as_text=True)
    assert BATTERY["title"] not in client.get("/matches/board?min_score=0.99").get_data(
        as_text=True
    )
    assert BATTERY["title"] not in client.get("/matches/board?min_score=0&area=A04").get_data(
        as_text=True
    )
    assert client.get("/matches/board?min_score=abc").status_code == 400
    assert client.get("/matches/board?state=bogus").status_code == 400
    for state in ("contacted", "negotiating", "contracted"):
        client.post(f"/matches/{pair.id}/move", data={"state": state, "next": "/matches/board"})
    client.post(f"/matches/{pair.id}/move", data={"state": "suggested"})  # not allowed
    db.session.refresh(pair)
    assert pair.state is MatchState.CONTRACTED
    moves = db.session.scalars(select(AuditLog).where(AuditLog.action == "match.move")).all()
    assert [m.after["state"] for m in moves] == ["contacted", "negotiating", "contracted"]
    on_board = client.get("/matches/board?state=contracted&min_score=0").get_data(as_text=True)
    assert BATTERY["title"] in on_board


def test_subscription_sends_at_most_one_digest_a_day(
    app: Flask, client: FlaskClient, auth: AuthActions, pair: Match, people: dict[str, User]
) -> None:
    auth.login("enterprise@test.xm")
    assert client.post(f"/matches/subscription/need/{pair.need_id}").status_code == 302
    assert client.post(f"/matches/subscription/need/{pair.need_id}").status_code == 302
    assert db.session.query(MatchSubscription).count() == 1
    subscription = db.session.scalar(select(MatchSubscription))
    subscription.created_at = utcnow() - timedelta(hours=1)  # the match is newer than this
    db.session.commit()
    pair.created_at = utcnow()
    db.session.commit()
    assert send_digests().sent == 1
    notice = db.session.scalar(select(Notification).where(Notification.kind == "match.digest"))
    assert notice.user_id == people["enterprise"].id and BATTERY["title"] in notice.body
    assert send_digests().too_soon == 1
    assert send_digests(utcnow() + timedelta(days=1, minutes=1)).nothing_new == 1
    # a technology's matches are not the enterprise's to follow
    assert client.post(f"/matches/subscription/technology/{pair.technology_id}").status_code == 403
    client.post(f"/matches/subscription/need/{pair.need_id}", data={"action": "unsubscribe"})
    assert db.session.query(MatchSubscription).count() == 0


def test_matches_api_items_and_permissions(
    client: FlaskClient, auth: AuthActions, pair: Match
) -> None:
    body = client.get(f"/api/v1/needs/{pair.need_id}/matches?limit=5").json
    item = body["items"][0]
    assert item["technology"] == {"id": pair.technology_id, "title": BATTERY["title"]}
    assert set(item["parts"]) == {"semantic", "lexical", "taxonomy", "fit"}
    assert {"terms", "area", "checks"} <= set(item["explanation"])
    assert {"name", "passed", "detail"} == set(item["explanation"]["checks"][0])
    assert body["limit"] == 5 and body["total"] == 1
    assert client.get(f"/api/v1/needs/{pair.need_id}/matches?limit=0").status_code == 422
    assert client.get("/api/v1/needs/999/matches").json["error"]["code"] == "not_found"
    tech_url = f"/api/v1/technologies/{pair.technology_id}/matches"
    assert client.get(tech_url).status_code == 401
    auth.login("other@test.xm")
    assert client.get(tech_url).status_code == 403
    auth.logout()
    auth.login("researcher@test.xm")
    need_item = client.get(tech_url).json["items"][0]
    assert need_item["need"]["title"] == STORAGE_NEED["title"]


def _notices(kind: str) -> int:
    return len(db.session.scalars(select(Notification).where(Notification.kind == kind)).all())


def test_interest_and_digests_are_kept_only_when_the_caller_commits(
    app: Flask, pair: Match, people: dict[str, User]
) -> None:
    technology = db.session.get(Technology, pair.technology_id)
    contacts = select(Match).where(Match.state == MatchState.CONTACTED)
    express_interest(technology, "想了解电池储能方案", people["enterprise"])
    assert db.session.scalar(contacts) is not None  # flushed
    db.session.rollback()
    assert db.session.scalar(contacts) is None
    assert _notices("match.contacted") == 0

    need = db.session.get(Need, pair.need_id)
    subscribe(people["enterprise"], need)
    db.session.commit()
    subscription = db.session.scalar(select(MatchSubscription))
    subscription.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert send_digests().sent == 1
    db.session.rollback()
    assert db.session.scalar(select(MatchSubscription)).last_sent_at is None
    assert _notices("match.digest") == 0
    assert send_digests().sent == 1
    db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(MatchSubscription)).last_sent_at is not None
    assert _notices("match.digest") == 1
