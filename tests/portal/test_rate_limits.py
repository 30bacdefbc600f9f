"""Expensive and sensitive routes are rate limited per caller; anonymous callers get less."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db

TEXT = {"text": "屋顶分布式光伏发电与储能一体化系统"}


def _limits(app: Flask, **rules: str) -> None:
    app.config["RATE_LIMITS"] = {**app.config["RATE_LIMITS"], **rules}


def test_anonymous_classification_has_a_lower_cap_than_a_token(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    _limits(app, CLASSIFY="4 per minute", CLASSIFY_ANONYMOUS="2 per minute")
    anonymous = [client.post("/api/v1/classify/carbon", json=TEXT).status_code for _ in range(3)]
    assert anonymous == [200, 200, 429]
    body = client.post("/api/v1/classify/carbon", json=TEXT).get_json()
    assert body["error"]["code"] == "too_many_requests"
    token = issue_token(people["researcher"], "tests").secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    identified = [
        client.post("/api/v1/classify/carbon", json=TEXT, headers=headers).status_code
        for _ in range(5)
    ]
    assert identified == [200, 200, 200, 200, 429]


def test_search_is_limited_per_caller(app: Flask, client: FlaskClient) -> None:
    _limits(app, SEARCH_ANONYMOUS="2 per minute")
    answers = [client.get("/api/v1/search?q=光伏").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert client.get("/search?q=光伏").status_code == 429  # the page shares the count


def test_reset_mails_to_one_account_are_limited(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    answers = [
        client.post("/auth/reset", data={"email": "researcher@test.xm"}).status_code
        for _ in range(4)
    ]
    assert answers[:3] == [302, 302, 302] and answers[3] == 429
