"""A huge body is refused with 413 before it is read, on a form and on the upload route."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from portal.accounts.models import User
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
