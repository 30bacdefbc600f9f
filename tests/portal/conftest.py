"""Fixtures for the portal's tests: an API client per person, the mails sent."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.api.tokens import issue_token
from portal.extensions import db
from portal.mail import mail_dispatched
from tests.factories import ApiClient


@pytest.fixture
def api(client: FlaskClient, people: dict[str, User]) -> dict[str | None, ApiClient]:
    """api[role] calls as that person; api[None] calls without a token."""
    clients: dict[str | None, ApiClient] = {None: ApiClient(client, None)}
    for key, user in people.items():
        clients[key] = ApiClient(client, issue_token(user, "tests").secret)
    db.session.commit()
    return clients


@pytest.fixture
def mails(app: Flask) -> Iterator[list[EmailMessage]]:
    """Every mail the app sends while the test runs, in order."""
    sent: list[EmailMessage] = []

    def record(_app: Flask, message: EmailMessage) -> None:
        sent.append(message)

    with mail_dispatched.connected_to(record, app):
        yield sent
