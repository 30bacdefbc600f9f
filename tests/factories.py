"""Builders for test data, importable from any test module."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.auth.models import Role, User
from portal.extensions import db
from portal.orgs.models import Organization, OrgKind

TEST_PASSWORD = "correct-horse-42"


def make_org(name: str, kind: OrgKind = OrgKind.UNIVERSITY, **fields: object) -> Organization:
    org = Organization(name=name, kind=kind, **fields)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(
    email: str, role: Role, org: Organization | None = None, password: str = TEST_PASSWORD
) -> User:
    user = User(email=email, name=email.split("@")[0], role=role, organization=org)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD) -> TestResponse:
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self) -> TestResponse:
        return self._client.post("/auth/logout")
