"""A huge body is refused with 413 before it is read, on a form and on the upload route."""

from __future__ import annotations

import gc
import io
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from portal import create_app
from portal.accounts.models import User
from portal.config import TestConfig
from portal.extensions import db
from tests.factories import AuthActions

ONE_GB = 1024**3


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads more than a few bytes of it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        raise AssertionError("the body of a refused request was read")


def _post_huge(app: Flask, client: FlaskClient, path: str) -> str:
    """The status line of a 1 GB multipart POST, sent straight to the WSGI app (the test
    client would measure the body first)."""
    environ = EnvironBuilder(
        path=path, method="POST", content_type="multipart/form-data; boundary=x"
    ).get_environ()
    environ.update({"CONTENT_LENGTH": str(ONE_GB), "wsgi.input": UnreadableBody()})
    session = client.get_cookie("session")
    if session is not None:
        environ["HTTP_COOKIE"] = f"session={session.value}"
    statuses: list[str] = []
    body = app.wsgi_app(environ, lambda status, headers, *exc: statuses.append(status))
    b"".join(body)
    return statuses[0]


def test_a_one_gigabyte_post_is_refused_unread(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    assert _post_huge(app, client, "/auth/login").startswith("413")
    auth.login("broker@test.xm")
    assert _post_huge(app, client, "/imports/").startswith("413")  # over MAX_UPLOAD_LENGTH too


def test_limited_pages_work_with_rate_limits_turned_off(database_url: str, tmp_path: Path) -> None:
    settings = {
        "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
    }
    app = create_app(type("NoRateLimits", (TestConfig,), settings))
    with app.app_context():
        db.create_all()
        try:
            gc.collect()  # a limiter that nothing holds would be gone now
            assert app.test_client().get("/api/v1/search?q=储能").status_code == 200
        finally:
            db.session.remove()
            db.drop_all()
