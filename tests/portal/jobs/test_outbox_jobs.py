"""The worker drains the outbox: writes never wait for it, and nothing is lost when it is away."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from flask import Flask
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.jobs.builtin import drain_outbox_job, sweep_outbox
from portal.jobs.queue import configure_queue, huey
from portal.jobs.service import queue_status, run_queued
from portal.listings.kinds import ListingKind
from portal.listings.models import Technology
from portal.outbox import service as outbox
from portal.outbox.service import OutboxEvent, backlog
from portal.search_index.backends import get_backends
from portal.search_index.service import SEARCH_HANDLER
from tests.factories import BATTERY, CCUS, SOLAR, ApiClient, make_published


def _indexed(app: Flask) -> int:
    return get_backends(app).embedded.count("technology")


def _drains_waiting() -> int:
    """Queued outbox drains (the publication notices' mails wait in the queue beside them)."""
    return sum(1 for job in huey.pending() if job.name == drain_outbox_job.name)


def test_writes_wait_in_the_outbox_while_the_worker_is_stopped(
    app: Flask, people: dict[str, User], queue: str
) -> None:
    before = _indexed(app)
    for item in (BATTERY, CCUS, SOLAR):
        make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **item)
    assert _indexed(app) == before  # nothing was indexed by the writes themselves
    assert backlog() > 0
    assert _drains_waiting() == 1  # a burst of writes queues one drain
    runner = app.test_cli_runner()
    waited = runner.invoke(args=["jobs", "wait", "--timeout", "1"])
    assert waited.exit_code == 1 and "is the worker running?" in waited.output

    waiting = huey.pending_count()
    assert run_queued() == waiting  # the worker comes back
    assert backlog() == 0
    assert _indexed(app) == before + 3
    waited = runner.invoke(args=["jobs", "wait", "--timeout", "1"])
    assert waited.exit_code == 0, waited.output


def test_an_edit_request_leaves_indexing_to_the_worker(
    app: Flask, api: dict[str | None, ApiClient], people: dict[str, User], queue: str
) -> None:
    listing = make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"])
    run_queued()
    path = f"/technologies/{listing.id}"
    response = api["broker"].patch(path, {"title": "钠离子电池储能系统二代"})
    assert response.status_code == 200
    assert backlog() >= 1 and _drains_waiting() == 1  # the response went out first
    hits = get_backends(app).embedded
    run_queued()
    assert backlog() == 0
    assert hits.count("technology") >= 1


def test_a_drain_lost_with_a_killed_worker_is_done_by_the_sweep_once(
    app: Flask, people: dict[str, User], queue: str
) -> None:
    before = _indexed(app)
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    lost = huey.dequeue()  # the worker took the job and was killed before finishing it
    assert lost is not None and lost.name == drain_outbox_job.name and _drains_waiting() == 0
    assert backlog() > 0
    sweep_outbox.call_local()
    assert backlog() == 0
    assert _indexed(app) == before + 1
    sweep_outbox.call_local()  # a second run changes nothing
    assert _indexed(app) == before + 1
    # The next write queues a drain again (the lost job's marker does not block it).
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **CCUS)
    assert _drains_waiting() == 1


def test_a_failing_handler_is_retried_with_backoff_without_redoing_the_rest(
    app: Flask, people: dict[str, User], queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    failures = {"left": 1}
    search_handler = outbox.outbox_handlers()[SEARCH_HANDLER]

    def counted_search(events: Sequence[OutboxEvent]) -> None:
        calls.extend(e.entity_id for e in events)
        search_handler(events)

    def flaky(events: Sequence[OutboxEvent]) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("ranking service restarting")

    monkeypatch.setitem(outbox._handlers, SEARCH_HANDLER, counted_search)
    monkeypatch.setitem(outbox._handlers, "flaky", flaky)
    listing = make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"])
    assert _drains_waiting() == 1
    run_queued(include_retries=False)
    searched = len(calls)
    assert listing.id in calls
    assert backlog() >= 1 and huey.scheduled_count() == 1  # the retry waits for its back-off
    retry = huey.scheduled()[0]
    assert retry.retry_delay == 2 * drain_outbox_job.task_class.default_retry_delay
    run_queued()
    assert backlog() == 0
    assert len(calls) == searched  # indexing was not redone by the retry
    assert queue_status().failures == []


def test_writes_succeed_and_status_says_so_when_the_queue_is_unreachable(
    app: Flask, people: dict[str, User]
) -> None:
    app.config.update(JOBS_URL="redis://127.0.0.1:1/0", JOBS_IMMEDIATE=False)
    configure_queue(app)
    listing = make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"])
    assert db.session.get(Technology, listing.id) is not None
    assert backlog() > 0
    status = queue_status()
    assert not status.reachable and "Connection" in (status.error or "")
    assert status.outbox_backlog == backlog()
    result = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert result.exit_code == 1
    assert "UNREACHABLE" in result.output and "outbox:" in result.output
    # Once the queue is back, the sweep catches up.
    app.config.update(JOBS_URL=None, JOBS_IMMEDIATE=True)
    configure_queue(app)
    sweep_outbox.call_local()
    assert backlog() == 0
    assert db.session.scalars(select(Technology)).all()


def test_a_sweep_whose_last_run_still_holds_the_lock_skips_its_turn_without_failing(
    app: Flask, people: dict[str, User], queue: str
) -> None:
    make_published(ListingKind.TECHNOLOGY, people["researcher"], people["broker"], **BATTERY)
    huey.flush()  # the drain job was lost: only the sweep can catch up
    waiting = backlog()
    with huey.lock_task("outbox-sweep"):  # the last minute's sweep is still at work
        sweep_outbox()  # this minute's turn, as the scheduler queues it
        assert run_queued() == 1
        assert backlog() == waiting  # it left the work to the running sweep
    assert huey.pending_count() == 0  # not queued again as a retry
    assert queue_status().failures == []  # and not kept as a failure
    sweep_outbox.call_local()
    assert backlog() == 0
