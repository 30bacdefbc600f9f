"""A notice's mail goes out from the worker once the notice is committed: never from inside the
request, never for a change that was rolled back, once per notice."""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask

from portal.accounts.models import User
from portal.extensions import db
from portal.jobs.service import run_queued
from portal.listings.kinds import ListingKind
from portal.listings.service import submit_listing
from portal.notifications.service import Notice, notify
from tests.factories import ApiClient, make_listing


def test_a_notice_rolled_back_sends_nothing_and_a_committed_one_sends_once(
    app: Flask, people: dict[str, User], mails: list[EmailMessage]
) -> None:
    notice = Notice(kind="test.notice", title="通知标题", body="正文")
    notify([people["enterprise"]], notice)
    db.session.rollback()
    assert mails == []
    notify([people["enterprise"]], notice)
    assert mails == []  # not before the commit
    db.session.commit()
    assert [mail["To"] for mail in mails] == ["enterprise@test.xm"]
    db.session.commit()  # a later commit does not send it again
    assert len(mails) == 1


def test_a_publish_request_leaves_the_mail_to_the_worker(
    app: Flask,
    api: dict[str | None, ApiClient],
    people: dict[str, User],
    queue: str,
    mails: list[EmailMessage],
) -> None:
    draft = make_listing(ListingKind.TECHNOLOGY, people["researcher"])
    submit_listing(draft, people["researcher"])
    db.session.commit()
    response = api["broker"].patch(f"/technologies/{draft.id}", {"status": "published"})
    assert response.status_code == 200
    assert mails == []  # the response went out first
    run_queued()
    assert "researcher@test.xm" in [mail["To"] for mail in mails]
    run_queued()  # nothing is sent twice
    assert len([mail for mail in mails if mail["To"] == "researcher@test.xm"]) == 1
