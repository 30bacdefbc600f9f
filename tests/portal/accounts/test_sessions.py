"""A password reset ends every other session, remember-me cookie and API token; log-in
failures all read the same."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from tests.factories import TEST_PASSWORD, AuthActions

NEW_PASSWORD = "brand-new-secret"


def _next_request() -> None:
    # The suite's app context outlives requests, and Flask-Login keeps the request's user on
    # g; in production each request starts without it. Start the next one the same way.
    g.pop("_login_user", None)


def _reset(app: Flask, caplog: pytest.LogCaptureFixture, email: str) -> None:
    resetter = app.test_client()
    with caplog.at_level(logging.INFO, logger="portal.mail"):
        resetter.post("/auth/reset", data={"email": email})
    link = re.search(r"http://localhost(/auth/reset/\S+)", caplog.text).group(1)
    done = resetter.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 302
    _next_request()


def test_a_reset_ends_other_sessions_and_remember_me_cookies(
    app: Flask, client: FlaskClient, people: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    remembered = app.test_client()
    remembered.post(
        "/auth/login",
        data={"email": "researcher@test.xm", "password": TEST_PASSWORD, "remember": "y"},
    )
    AuthActions(client).login("researcher@test.xm")
    assert client.get("/auth/profile").status_code == 200
    cookie = remembered.get_cookie("remember_token")
    assert cookie is not None
    _reset(app, caplog, "researcher@test.xm")
    assert client.get("/auth/profile").status_code == 302  # back to the log-in page
    # A browser that kept only the remember-me cookie is not let back in either.
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert fresh.get("/auth/profile").status_code == 302
    # The new password works, in a new session.
    assert (
        AuthActions(app.test_client()).login("researcher@test.xm", NEW_PASSWORD).status_code == 302
    )


def test_a_reset_revokes_api_tokens(
    app: Flask, client: FlaskClient, people: dict[str, User], caplog: pytest.LogCaptureFixture
) -> None:
    secret = issue_token(people["researcher"], "tests").secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/technologies?status=draft", headers=headers).status_code == 200
    _reset(app, caplog, "researcher@test.xm")
    assert client.get("/api/v1/technologies?status=draft", headers=headers).status_code == 401


def test_every_log_in_failure_reads_the_same(
    app: Flask, client: FlaskClient, people: dict[str, User]
) -> None:
    people["enterprise"].active = False
    db.session.commit()
    auth = AuthActions(client)
    bodies = [
        auth.login(email, password)
        for email, password in (
            ("nobody@test.xm", TEST_PASSWORD),  # no such account
            ("researcher@test.xm", "wrong-password"),  # wrong password
            ("enterprise@test.xm", TEST_PASSWORD),  # deactivated
        )
    ]
    assert [body.status_code for body in bodies] == [400, 400, 400]
    messages = [
        re.findall(r"邮箱或密码不正确|停用|次数过多", b.get_data(as_text=True)) for b in bodies
    ]
    assert messages == [["邮箱或密码不正确"]] * 3
