"""Maintenance started from the admin jobs page runs as a job the page follows to its result:
rebuilding the search index, re-ranking the matches, reclassifying the organizations."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.jobs import maintenance as maintenance_module
from portal.jobs.maintenance import Maintenance, progress_key
from portal.jobs.progress import SILENT_AFTER_SECONDS, get_progress, set_progress
from portal.jobs.queue import configure_queue, huey
from portal.jobs.service import run_queued
from portal.listings.kinds import ListingKind
from portal.matches import jobs as matches_jobs
from portal.matches.models import MatchRun
from portal.organizations.models import Organization
from portal.search_index.backends import get_backends
from portal.search_index.service import search_status
from tests.factories import BATTERY, SOLAR, STORAGE_NEED, AuthActions, make_published

REINDEX = "/admin/jobs/maintenance/search.reindex"
RECOMPUTE = "/admin/jobs/maintenance/matches.recompute"
CLASSIFY = "/admin/jobs/maintenance/classification.organizations"


def publish_three(people: dict[str, User]) -> tuple[int, int]:
    battery = make_published(
        ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY
    )
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **SOLAR)
    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"], **STORAGE_NEED)
    return battery.id, need.id


def embedded_technologies() -> int:
    return next(t.in_embedded for t in search_status().types if t.doc_type == "technology")


def test_each_maintenance_runs_as_a_job_the_page_follows(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User], queue: str
) -> None:
    battery_id, _ = publish_three(people)
    run_queued()  # the publications' own derived work
    get_backends().embedded.delete("technology", battery_id)
    db.session.execute(delete(MatchRun))
    db.session.execute(db.update(Organization).values(carbon_type=None))
    db.session.commit()
    assert embedded_technologies() == 1

    auth.login("admin@test.xm")
    overview = client.get("/admin/jobs")
    assert overview.status_code == 200
    for label in ("重建检索索引", "重新计算匹配", "重新判定机构碳类型"):
        assert label in overview.text
    for url in (REINDEX, RECOMPUTE, CLASSIFY):
        started = client.post(url)
        assert started.status_code == 302 and started.location == url
        page = client.get(url)
        assert "排队中" in page.text and f'data-status-url="{url}/status"' in page.text
        assert "js/job_progress.js" in page.text and "<script>" not in page.text
        assert client.get(f"{url}/status").json == {
            "state": "queued",
            "label": "排队中",
            "done": 0,
            "total": 0,
        }
        again = client.post(url)  # a second start while one is queued is refused
        assert again.location == "/admin/jobs"
        assert "这项维护任务正在进行" in client.get(again.location).text

    run_queued()
    assert embedded_technologies() == 2  # the deleted document is back
    assert db.session.scalar(select(func.count()).select_from(MatchRun)) == 3
    carbon = db.session.scalars(select(Organization.carbon_type)).all()
    assert carbon and None not in carbon

    reindexed = client.get(f"{REINDEX}/status").json
    assert reindexed["state"] == "done" and reindexed["done"] == reindexed["total"] > 0
    page = client.get(REINDEX)
    assert (
        "已完成" in page.text and "再次运行" in page.text and "data-job-progress" not in page.text
    )
    assert '技术成果</th><td class="text-end">2<' in page.text and "专利</th>" in page.text
    recomputed = client.get(RECOMPUTE).text
    assert '已排序的技术需求</th><td class="text-end">1<' in recomputed
    assert '已排序的技术成果</th><td class="text-end">2<' in recomputed
    organizations = len(carbon)
    classified = client.get(f"{CLASSIFY}/status").json
    assert classified == {
        "state": "done",
        "label": "已完成",
        "done": organizations,
        "total": organizations,
    }


def test_only_admins_start_maintenance_and_brokers_may_watch(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    assert client.post(REINDEX).status_code == 302  # anonymous: log in first
    auth.login("broker@test.xm")
    assert client.get(REINDEX).status_code == 200
    assert client.post(REINDEX).status_code == 403
    assert "启动" not in client.get("/admin/jobs").text.split("维护任务")[1].split("失败的任务")[0]
    assert get_progress(progress_key("search.reindex")) is None
    auth.logout()
    auth.login("researcher@test.xm")
    assert client.get(REINDEX).status_code == 403
    assert client.get(f"{REINDEX}/status").status_code == 403
    auth.logout()
    auth.login("admin@test.xm")
    assert client.get("/admin/jobs/maintenance/no.such").status_code == 404
    assert client.post("/admin/jobs/maintenance/no.such").status_code == 404
    assert client.get("/admin/jobs/maintenance/<script>/status").status_code == 404


def test_a_run_whose_worker_died_reads_interrupted_and_can_start_again(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    key = progress_key("search.reindex")
    set_progress(key, state="running", done=3, total=10, started_by=1, started_at=time.time())
    auth.login("admin@test.xm")
    client.post(REINDEX)
    assert get_progress(key)["state"] == "running"  # a live run is not started twice
    record = get_progress(key)
    huey.put("progress:" + key, {**record, "updated": time.time() - SILENT_AFTER_SECONDS - 1})
    assert client.get(f"{REINDEX}/status").json["state"] == "interrupted"
    assert "任务已中断" in client.get(REINDEX).text
    client.post(REINDEX)  # jobs run at once in the test settings
    assert get_progress(key)["state"] == "done"


def test_a_failing_maintenance_shows_its_error_and_the_page_says_so(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    people: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def work(progress: maintenance_module.Progress) -> dict[str, int]:
        progress(2, 5)
        raise RuntimeError("index folder <b>is</b> read-only")

    broken = Maintenance("test.broken", "坏任务", "总是失败", {}, work)
    monkeypatch.setitem(maintenance_module._registry, broken.name, broken)
    auth.login("admin@test.xm")
    client.post("/admin/jobs/maintenance/test.broken")
    status = client.get("/admin/jobs/maintenance/test.broken/status").json
    assert status == {"state": "failed", "label": "失败", "done": 2, "total": 5}
    page = client.get("/admin/jobs/maintenance/test.broken").text
    assert "任务失败，已完成 2 / 5" in page
    assert "index folder &lt;b&gt;is&lt;/b&gt; read-only" in page


def test_starting_is_refused_plainly_when_the_queue_is_unreachable(
    app: Flask, client: FlaskClient, auth: AuthActions, people: dict[str, User]
) -> None:
    auth.login("admin@test.xm")
    app.config.update(JOBS_URL="redis://127.0.0.1:1/0", JOBS_IMMEDIATE=False)
    configure_queue(app)
    try:
        refused = client.post(REINDEX)
        assert refused.status_code == 302 and refused.location == "/admin/jobs"
        page = client.get("/admin/jobs")
        assert page.status_code == 200
        assert "任务队列无法连接，维护任务没有启动" in page.text
        assert "任务队列无法连接。" in page.text  # and the page says why
    finally:
        app.config.update(JOBS_URL=None, JOBS_IMMEDIATE=True)
        configure_queue(app)


def test_a_whole_re_rank_commits_as_it_goes(
    app: Flask, people: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite one transaction for a whole re-rank would hold the write lock for minutes."""
    publish_three(people)
    db.session.execute(delete(MatchRun))
    db.session.commit()
    seen_elsewhere: list[int] = []

    def watch(done: int, total: int) -> None:
        with db.engine.connect() as other:  # another connection sees committed rows only
            seen_elsewhere.append(other.scalar(select(func.count()).select_from(MatchRun)))

    monkeypatch.setattr(matches_jobs, "COMMIT_EVERY", 1)
    matches_jobs.recompute_every_listing(watch)
    assert seen_elsewhere[1:4] == [1, 2, 3]  # each listing's run was committed before the next
