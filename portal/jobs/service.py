"""What the queue is doing: failures recorded, the worker's heartbeat, status, and a way to run
the waiting jobs in this process (tests and ``flask --app wsgi jobs run-queued``)."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from huey.api import Task
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.models import JobFailure
from portal.jobs.queue import bound_app, huey, storage_name
from portal.model_mixins import utcnow
from portal.outbox.service import backlog, oldest_waiting

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker-heartbeat"
# The worker beats every minute; two missed beats mean it is gone.
HEARTBEAT_INTERVAL = 30.0
HEARTBEAT_STALE_AFTER = 150.0
FAILURES_SHOWN = 50
ERROR_LIMIT = 4000
FAR_FUTURE = datetime(2100, 1, 1)


@dataclass
class QueueStatus:
    storage: str
    reachable: bool
    error: str | None = None
    waiting: int = 0  # jobs ready to run
    scheduled: int = 0  # retries waiting for their back-off, and delayed jobs
    outbox_backlog: int = 0
    outbox_oldest: datetime | None = None
    heartbeat_age: float | None = None  # seconds since the worker's last beat; None: never
    failures_last_day: int = 0
    failures: list[JobFailure] = field(default_factory=list)

    @property
    def worker_alive(self) -> bool:
        return self.heartbeat_age is not None and self.heartbeat_age < HEARTBEAT_STALE_AFTER


def record_failure(task: Task, error: BaseException) -> None:
    """Keep a job whose last attempt failed, in a transaction of its own."""
    with bound_app().app_context():
        db.session.add(
            JobFailure(
                task_name=task.name[:200],
                task_id=str(task.id)[:64],
                arguments=repr((task.args, task.kwargs))[:ERROR_LIMIT],
                error=f"{type(error).__name__}: {error}"[:ERROR_LIMIT],
                attempts=type(task).default_retries + 1,
            )
        )
        db.session.commit()


def beat() -> None:
    """The worker is alive now."""
    huey.put(HEARTBEAT_KEY, time.time())


def keep_beating(stop: threading.Event, interval: float = HEARTBEAT_INTERVAL) -> None:
    """Beat every `interval` seconds until `stop` is set (a thread of the worker's own).

    Not a job: with every worker thread in a long job (a re-rank, a large import, a drain of
    the first run's backlog) a heartbeat job waited in the queue and the worker read as dead.
    """
    while True:
        try:
            beat()
        except Exception as error:  # the queue unreachable for a moment: beat again next time
            log.warning("could not write the worker heartbeat (%s)", error)
        if stop.wait(interval):
            return


def heartbeat_age() -> float | None:
    """Seconds since the worker last beat (None when it never did); raises when unreachable."""
    last = huey.get(HEARTBEAT_KEY, peek=True)
    return None if last is None else max(0.0, time.time() - float(last))


def recent_failures(limit: int = FAILURES_SHOWN) -> list[JobFailure]:
    query = select(JobFailure).order_by(JobFailure.failed_at.desc(), JobFailure.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def queue_status(failures: int = 10) -> QueueStatus:
    """Queue depth, the oldest change waiting in the outbox, the worker's heartbeat, failures.

    The outbox and failures come from the database and are reported even when the queue's
    storage (Redis) is unreachable; ``reachable`` and ``error`` say so.
    """
    status = QueueStatus(storage=storage_name(), reachable=True)
    try:
        status.waiting = huey.pending_count()
        status.scheduled = huey.scheduled_count()
        status.heartbeat_age = heartbeat_age()
    except Exception as error:  # Redis down, SQLite file unreadable: say so, do not fail
        status.reachable = False
        status.error = f"{type(error).__name__}: {error}"
    status.outbox_backlog = backlog()
    oldest = oldest_waiting()
    status.outbox_oldest = oldest.created_at if oldest is not None else None
    day_ago = utcnow() - timedelta(days=1)
    status.failures_last_day = (
        db.session.scalar(
            select(func.count()).select_from(JobFailure).where(JobFailure.failed_at >= day_ago)
        )
        or 0
    )
    status.failures = recent_failures(failures)
    return status


def run_queued(include_retries: bool = True, limit: int = 10_000) -> int:
    """Run the waiting jobs here, one after another, until none is left; returns how many ran.

    With ``include_retries`` a retry waiting for its back-off runs at once too, so a job that
    keeps failing goes through all its attempts. Periodic jobs are the worker's alone.
    """
    ran = 0
    while ran < limit:
        task = huey.dequeue()
        timestamp = None
        if task is None and include_retries:
            due = huey.read_schedule(FAR_FUTURE)
            for later in due[1:]:
                huey.add_schedule(later)
            task = due[0] if due else None
            timestamp = task.eta if task is not None else None
        if task is None:
            break
        huey.execute(task, timestamp)
        ran += 1
    return ran
