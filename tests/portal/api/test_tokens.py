"""Bearer tokens: hashed at rest, shown once, revocable, CSRF-exempt only with a token."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from portal.accounts.models import User
from portal.api.models import ApiToken
from portal.api.tokens import TokenError, hash_token, issue_token, revoke_token
from portal.extensions import db
from tests.factories import AuthActions

NEW_ORG = {"name": "厦门新材料研究院", "kind": "institute"}


def test_only_the_hash_is_stored(people: dict[str, User]) -> None:
    issued = issue_token(people["broker"], "ci")
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash == hash_token(issued.secret)
    assert issued.secret not in (row.token_hash, row.prefix)
    assert issued.secret.startswith(row.prefix)


def test_token_authenticates_and_stops_working_when_revoked(
    client: FlaskClient, people: dict[str, User]
) -> None:
    issued = issue_token(people["broker"])
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert client.post("/api/v1/organizations", json=NEW_ORG, headers=headers).status_code == 201
    revoke_token(people["broker"], issued.record.id)
    response = client.get("/api/v1/organizations", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_inactive_account_token_is_refused(client: FlaskClient, people: dict[str, User]) -> None:
    issued = issue_token(people["researcher"])
    people["researcher"].active = False
    db.session.commit()
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/technologies", headers=headers).status_code == 401


def test_malformed_authorization_headers_are_401(client: FlaskClient) -> None:
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer xmlc_not-a-real-token", "token"):
        response = client.get("/api/v1/needs", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert set(response.json["error"]) == {"code", "message", "fields"}


def test_a_user_cannot_revoke_someone_elses_token(people: dict[str, User]) -> None:
    issued = issue_token(people["researcher"])
    with pytest.raises(TokenError, match="不存在"):
        revoke_token(people["enterprise"], issued.record.id)
    assert db.session.get(ApiToken, issued.record.id).revoked_at is None


def test_cli_prints_a_working_token(
    runner: FlaskCliRunner, client: FlaskClient, people: dict[str, User]
) -> None:
    result = runner.invoke(args=["users", "token", "broker@test.xm"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/organizations", json=NEW_ORG, headers=headers).status_code == 201
    missing = runner.invoke(args=["users", "token", "nobody@test.xm"])
    assert missing.exit_code != 0


def test_account_page_shows_a_new_token_once_and_revokes_it(
    client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("researcher@test.xm")
    created = client.post("/auth/tokens", data={"name": "数据同步"})
    assert created.status_code == 201
    secret = re.search(r'id="new-api-token">([^<]+)<', created.text).group(1)
    assert "数据同步" in created.text
    again = client.get("/auth/profile")
    assert secret not in again.text and "数据同步" in again.text
    token = db.session.scalar(select(ApiToken))
    assert client.post(f"/auth/tokens/{token.id}/revoke").status_code == 302
    api = client.application.test_client()
    assert (
        api.get("/api/v1/needs", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_token_requests_skip_csrf_but_session_writes_need_it(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("broker@test.xm")
    app.config["WTF_CSRF_ENABLED"] = True
    secret = issue_token(people["broker"]).secret
    with_token = app.test_client().post(
        "/api/v1/organizations", json=NEW_ORG, headers={"Authorization": f"Bearer {secret}"}
    )
    assert with_token.status_code == 201
    by_session = client.post("/api/v1/organizations", json={**NEW_ORG, "name": "另一个研究院"})
    assert by_session.status_code == 400
    assert by_session.json["error"]["code"] == "csrf_failed"
    # Reading with the session cookie needs no CSRF token.
    assert client.get("/api/v1/organizations").status_code == 200
    # Creating tokens on the account page is a form like any other: CSRF applies.
    assert client.post("/auth/tokens", data={"name": "x"}).status_code == 400


def test_token_services_flush_and_the_caller_commits(
    client: FlaskClient, people: dict[str, User]
) -> None:
    issue_token(people["broker"], "rolled back")
    assert db.session.scalar(select(ApiToken)) is not None  # flushed
    db.session.rollback()
    assert db.session.scalar(select(ApiToken)) is None

    issued = issue_token(people["broker"], "kept")
    db.session.commit()
    token_id = issued.record.id
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/organizations", headers=headers).status_code == 200
    db.session.rollback()
    # authentication committed the token's last use
    assert db.session.get(ApiToken, token_id).last_used_at is not None

    revoke_token(people["broker"], token_id)
    db.session.rollback()
    assert db.session.get(ApiToken, token_id).is_active
