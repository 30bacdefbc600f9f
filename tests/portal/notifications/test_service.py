"""Notices: the service flushes, and whoever called it commits."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.extensions import db
from portal.notifications.service import Notice, mark_read, notify, unread_count
from tests.factories import AuthActions


def test_marking_read_is_kept_only_when_the_caller_commits(
    app: Flask, people: dict[str, User]
) -> None:
    user = people["enterprise"]
    notify([user], Notice("test.notice", "一条通知", "正文"))
    db.session.commit()
    assert mark_read(user) == 1
    assert unread_count(user) == 0  # flushed: visible in this transaction
    db.session.rollback()
    assert unread_count(user) == 1
    mark_read(user)
    db.session.commit()
    db.session.rollback()
    assert unread_count(user) == 0


def test_the_page_commits_what_it_marks_read(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    user = people["enterprise"]
    notify([user], Notice("test.notice", "一条通知", "正文"))
    db.session.commit()
    auth.login("enterprise@test.xm")
    assert client.post("/notifications/read").status_code == 302
    db.session.rollback()
    assert unread_count(user) == 0
