"""Refusals speak the reader's language: a refused form, a refused action and API errors.

Pages follow the language chosen on the site; the API follows Accept-Language, else the
account's language, else Chinese.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from portal.listings.kinds import ListingKind
from tests.factories import AuthActions, make_listing

CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_FORM = {
    "title": "长" * 201,
    "summary": "面向工商业用户侧储能的低成本钠离子电池系统，循环寿命四千次以上。",
    "trl": "12",
    "price_min": "abc",
}


def _choose_english(client: FlaskClient) -> None:
    assert client.post("/auth/locale/en").status_code == 302


def test_a_refused_form_is_explained_in_english(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("researcher@test.xm")
    _choose_english(client)
    response = client.post("/catalogue/new", data=BAD_FORM)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "at most 200 characters" in body
    assert "should be an integer from 1 to 9" in body
    assert "should be a number" in body
    assert "不超过 200 字" not in body and "应为 1-9 的整数" not in body


def test_a_refused_action_is_explained_in_english(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    auth.login("researcher@test.xm")
    _choose_english(client)
    response = client.post(f"/catalogue/{draft.id}/renew", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Only published listings can be renewed" in body
    assert "只有已发布的信息可以续期" not in body


def _api(client: FlaskClient, path: str, token: str | None, **headers: str) -> TestResponse:
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.post("/api/v1" + path, json={"title": 5, "colour": "red"}, headers=headers)


def _error(response: TestResponse) -> dict:
    return response.get_json()["error"]


def test_api_errors_follow_accept_language(app: Flask, client: FlaskClient) -> None:
    anonymous = _api(client, "/technologies", None, **{"Accept-Language": "en-GB,en;q=0.9"})
    assert anonymous.status_code == 401
    assert _error(anonymous)["message"].startswith("Please provide a valid token")
    chinese = _api(client, "/technologies", None, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert _error(chinese)["message"] == "请提供有效的令牌（Authorization: Bearer ...）"


def test_api_field_errors_come_in_english_for_english_callers(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    token = issue_token(people["researcher"], "tests").secret
    db.session.commit()
    response = _api(client, "/technologies", token, **{"Accept-Language": "en"})
    assert response.status_code == 422
    error = _error(response)
    assert error["message"] == "The submitted data is invalid"
    assert error["fields"] == {"title": "should be a string", "colour": "unknown field"}
    assert not any(CJK.search(text) for text in [error["message"], *error["fields"].values()])


def test_without_accept_language_the_api_uses_the_account_language(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    researcher, enterprise = people["researcher"], people["enterprise"]
    researcher.locale = "en"
    english_token = issue_token(researcher, "tests").secret
    chinese_token = issue_token(enterprise, "tests").secret
    db.session.commit()
    english = _error(_api(client, "/technologies", english_token))
    assert english["fields"]["colour"] == "unknown field"
    chinese = _error(_api(client, "/technologies", chinese_token))
    assert chinese["fields"]["colour"] == "未知字段"
    # The header, when sent, wins over the account's language.
    asked = _error(_api(client, "/technologies", english_token, **{"Accept-Language": "zh-CN"}))
    assert asked["fields"]["colour"] == "未知字段"
