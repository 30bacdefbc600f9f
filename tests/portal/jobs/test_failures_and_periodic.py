"""Retries end, failures are kept and shown, the queue moves on; periodic jobs run twice = once."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.imports.jobs import clean_stale_uploads, upload_folder
from portal.jobs import task
from portal.jobs.builtin import send_expiry_reminders
from portal.jobs.models import JobFailure
from portal.jobs.queue import huey
from portal.jobs.service import queue_status, run_queued
from portal.listings.kinds import ListingKind
from portal.model_mixins import utcnow
from portal.notifications.models import Notification
from portal.organizations.models import Organization
from tests.factories import AuthActions, make_published

RAN: list[str] = []


@task(retries=2, retry_delay=1, name="tests.always_fails")
def always_fails(label: str) -> None:
    raise ValueError(f"<script>alert('{label}')</script> cannot be done")


@task(retries=0, name="tests.renames_an_organization")
def rename_organization(org_id: int, name: str) -> None:
    # Runs in the bound app's context and commits itself, like any job.
    db.session.get(Organization, org_id).name = name
    db.session.commit()
    RAN.append(name)


def test_a_job_that_always_fails_ends_visible_and_the_queue_moves_on(
    app: Flask, people: dict[str, User], queue: str
) -> None:
    always_fails("x")
    org_id = people["enterprise"].organization_id
    rename_organization(org_id, "厦门改名测试有限公司")
    run_queued()
    failures = db.session.scalars(select(JobFailure)).all()
    assert [f.task_name for f in failures] == ["tests.always_fails"]
    assert failures[0].attempts == 3 and "ValueError" in failures[0].error
    assert RAN[-1] == "厦门改名测试有限公司"
    db.session.expire_all()
    assert db.session.get(Organization, org_id).name == "厦门改名测试有限公司"
    assert huey.pending_count() == 0 and huey.scheduled_count() == 0
    status = queue_status()
    assert status.failures_last_day == 1
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 0
    assert "tests.always_fails (3 attempts)" in result.output


def test_the_admin_page_shows_failures_to_staff_only(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], queue: str
) -> None:
    always_fails("page")
    run_queued()
    assert client.get("/admin/jobs").status_code == 302  # anonymous: to the log-in page
    auth.login("enterprise@test.xm")
    assert client.get("/admin/jobs").status_code == 403
    auth.logout()
    auth.login("admin@test.xm")
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "tests.always_fails" in html
    assert "<script>alert" not in html  # the error is escaped
    assert "后台进程未在运行" in html  # no heartbeat: the worker is not running


def test_expiry_reminders_run_twice_send_once(
    app: Flask, people: dict[str, User], queue: str
) -> None:
    listing = make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"])
    listing.expires_at = (utcnow() + timedelta(days=5)).date()
    db.session.commit()
    send_expiry_reminders.call_local()
    send_expiry_reminders.call_local()
    sent = db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.kind == "listing.expiring")
    )
    assert sent == len(people["researcher"].organization.members)
    assert not huey.is_locked("expiry-reminders")  # the lock is released after each run


def test_the_hourly_clean_up_removes_only_stale_uploads(app: Flask) -> None:
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stale, fresh = folder / "old.upload", folder / "new.upload"
    for path in (stale, fresh):
        path.write_bytes(b"title\n")
    day_and_a_bit_ago = time.time() - 90_000
    os.utime(stale, (day_and_a_bit_ago, day_and_a_bit_ago))
    clean_stale_uploads.call_local()
    assert not stale.exists() and fresh.exists()
