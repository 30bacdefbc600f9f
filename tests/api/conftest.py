"""API test helpers: a bearer token per person and a JSON client that sends it."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.api.tokens import issue_token
from portal.auth.models import User


class ApiClient:
    """Calls /api/v1 as one person (or anonymously with token=None)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self._client = client
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        if body is not None:
            kwargs["json"] = body
        return self._client.open("/api/v1" + path, method=method, headers=self._headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)


@pytest.fixture
def api(client: FlaskClient, people: dict[str, User]) -> dict[str | None, ApiClient]:
    """api[role] calls as that person; api[None] calls without a token."""
    clients: dict[str | None, ApiClient] = {None: ApiClient(client, None)}
    for key, user in people.items():
        clients[key] = ApiClient(client, issue_token(user, "tests").secret)
    return clients
