"""A confirmed import runs as a job: the page follows its progress, all rows or none are kept."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.imports import service as import_service
from portal.jobs.progress import SILENT_AFTER_SECONDS
from portal.jobs.service import run_queued
from portal.listings.models import Technology
from tests.factories import AuthActions
from tests.portal.imports.sample_files import BROKEN_ROW, ROWS, technologies_csv
from tests.portal.imports.test_import_pages import token_of, upload


def technology_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Technology)) or 0


def test_the_import_page_follows_the_job_to_its_result(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], queue: str
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    confirmed = client.post(f"/imports/{token}/confirm")
    assert confirmed.status_code == 303 and confirmed.location == f"/imports/{token}/progress"
    page = client.get(confirmed.location)
    assert page.status_code == 200
    assert f'data-status-url="/imports/{token}/status"' in page.text
    assert "js/job_progress.js" in page.text and "<script>" not in page.text
    assert client.get(f"/imports/{token}/status").json == {
        "state": "queued",
        "done": 0,
        "total": 0,
        "rejected": 0,
    }
    assert technology_count() == 0

    run_queued()
    status = client.get(f"/imports/{token}/status").json
    assert status == {"state": "done", "done": 3, "total": 3, "rejected": 0}
    result = client.get(f"/imports/{token}/progress")
    assert result.status_code == 200 and "已导入 3 条草稿" in result.text
    assert technology_count() == 3
    assert client.post(f"/imports/{token}/confirm").status_code == 404  # not twice


def test_only_the_uploader_sees_the_progress(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], queue: str
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    client.post(f"/imports/{token}/confirm")
    auth.logout()
    assert client.get(f"/imports/{token}/status").status_code == 302  # anonymous: log in
    auth.login("admin@test.xm")
    assert client.get(f"/imports/{token}/status").status_code == 404
    assert client.get(f"/imports/{token}/progress").status_code == 404
    assert client.get("/imports/not-a-token/status").status_code == 404
    auth.logout()
    auth.login("researcher@test.xm")
    assert client.get(f"/imports/{token}/status").status_code == 403


def test_rejected_rows_are_counted_and_nothing_is_kept(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], queue: str
) -> None:
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv(ROWS[0], BROKEN_ROW, ROWS[1])))
    client.post(f"/imports/{token}/confirm")
    run_queued()
    assert client.get(f"/imports/{token}/status").json["rejected"] == 1
    result = client.get(f"/imports/{token}/progress")
    assert result.status_code == 422 and "没有导入任何内容" in result.text
    assert technology_count() == 0


def test_an_import_killed_half_way_keeps_nothing_and_can_be_confirmed_again(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    queue: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(import_service, "PROGRESS_EVERY", 1)
    real_create = import_service.listings_service.create_listing
    created: list[int] = []

    def dies_on_the_third_row(*args, **kwargs):  # type: ignore[no-untyped-def]
        if len(created) == 2:
            raise KeyboardInterrupt  # what the worker sees when it is stopped mid-job
        created.append(1)
        return real_create(*args, **kwargs)

    monkeypatch.setattr(import_service.listings_service, "create_listing", dies_on_the_third_row)
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv()))
    client.post(f"/imports/{token}/confirm")
    run_queued()
    db.session.rollback()
    assert technology_count() == 0  # two rows were created, none was kept
    status = client.get(f"/imports/{token}/status").json
    assert status["state"] == "running" and status["done"] == 2
    later = time.time() + SILENT_AFTER_SECONDS + 1
    monkeypatch.setattr("portal.jobs.progress.time.time", lambda: later)
    assert client.get(f"/imports/{token}/status").json["state"] == "interrupted"
    assert "导入已中断" in client.get(f"/imports/{token}/progress").text

    monkeypatch.setattr(import_service.listings_service, "create_listing", real_create)
    client.post(f"/imports/{token}/confirm")  # the upload is still there
    run_queued()
    assert technology_count() == 3


def test_the_worker_writes_the_reasons_in_the_uploaders_language(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], queue: str
) -> None:
    people["broker"].locale = "en"
    db.session.commit()
    auth.login("broker@test.xm")
    token = token_of(upload(client, technologies_csv(ROWS[0], BROKEN_ROW)))
    client.post(f"/imports/{token}/confirm")
    with force_locale("zh_CN"):  # whatever the worker's own language
        run_queued()
    result = client.get(f"/imports/{token}/progress").text
    # The column is named as in the file; the reason is in the uploader's language.
    assert "技术成熟度：should be an integer from 1 to 9" in result
