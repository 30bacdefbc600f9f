"""Fixtures for the portal's tests: an API client per person."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from tests.factories import ApiClient


@pytest.fixture
def api(client: FlaskClient, people: dict[str, User]) -> dict[str | None, ApiClient]:
    """api[role] calls as that person; api[None] calls without a token."""
    clients: dict[str | None, ApiClient] = {None: ApiClient(client, None)}
    for key, user in people.items():
        clients[key] = ApiClient(client, issue_token(user, "tests").secret)
    db.session.commit()
    return clients
