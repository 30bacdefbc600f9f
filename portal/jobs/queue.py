"""The task queue (Huey) and the registration API every domain uses for its jobs.

One module-level ``huey`` instance; ``configure_queue(app)`` points it at its storage and binds
the app whose context every job runs in:

- ``JOBS_URL`` unset or ``sqlite:///path``: Huey's SQLite storage in one file
  (``instance/jobs.sqlite3`` by default), so a demo needs no server;
- ``JOBS_URL=redis://host:port/db``: Huey's Redis storage, for several web and worker processes;
- ``JOBS_IMMEDIATE=true`` (the test settings): a job runs in the caller as soon as it is enqueued.

A domain declares jobs with the decorators below in a ``jobs`` module of its own package
(``portal/<domain>/jobs.py``), which ``configure_jobs`` imports at start-up so the web process
and the worker know the same tasks::

    # portal/roadshows/jobs.py
    from portal.jobs import crontab, periodic, task

    @task(retries=5, retry_delay=30)
    def send_invitation(roadshow_id: int) -> None:   # enqueue: send_invitation(42)
        ...                                          # runs in an app context, commits itself

    @periodic(crontab(hour="8", minute="0"), lock="roadshow-reminders")
    def remind_upcoming_roadshows() -> None:         # every day at 08:00 (UTC)
        ...

Jobs must be idempotent (a retried job, or one run twice, has the effect of one run: use
notification dedupe keys or check state first); a job that raises is retried with exponential
backoff, and after its last attempt it is recorded in ``job_failures`` (the admin jobs page).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from huey import Huey, crontab
from huey.api import Task, TaskWrapper
from huey.exceptions import TaskLockedException
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_RETRIES = 3
DEFAULT_RETRY_DELAY = 10  # seconds before the first retry; doubled for each next one
RETRY_BACKOFF = 2
# Where the storage can expire keys (Redis 7.4+), a lock outlives a worker killed while holding it
# by at most this long; elsewhere the worker clears the locks when it starts (`jobs worker`).
LOCK_TTL = 1800

huey = Huey("portal", results=False, storage_class=MemoryStorage)
_bound: dict[str, Flask] = {}
# Called with (task, exception) once a job has failed its last attempt.
_final_failure_listeners: list[Callable[[Task, BaseException], None]] = []

__all__ = ["crontab", "huey", "periodic", "task", "configure_queue", "bound_app", "storage_name"]


def configure_queue(app: Flask) -> None:
    """Point the queue at the app's storage and run jobs in this app's context."""
    url = app.config.get("JOBS_URL") or ""
    immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": url}
    else:
        path = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / "jobs.sqlite3")
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": path}
    huey.immediate = immediate
    huey.storage = huey.create_storage()
    _bound["app"] = app


def bound_app() -> Flask:
    """The app jobs run in (the one ``configure_queue`` was last called with)."""
    try:
        return _bound["app"]
    except KeyError:
        raise RuntimeError("the job queue is not configured: call create_app() first") from None


def locks_expire() -> bool:
    """Whether the storage can give a lock a time to live (Redis 7.4+ hash-field TTL)."""
    return bool(getattr(huey.storage, "supports_hash_ttl", False))


def storage_name() -> str:
    """Where jobs wait, for status pages: ``sqlite <file>``, ``redis <url>`` or ``memory``."""
    if huey.immediate or isinstance(huey.storage, MemoryStorage):
        return "memory (jobs run at once)"
    if isinstance(huey.storage, RedisStorage):
        return f"redis {huey.storage_kwargs.get('url', '')}"
    return f"sqlite {huey.storage_kwargs.get('filename', '')}"


def on_final_failure(listener: Callable[[Task, BaseException], None]) -> None:
    if listener not in _final_failure_listeners:
        _final_failure_listeners.append(listener)


@huey.post_execute()
def _after_attempt(task: Task, _value: Any, exception: BaseException | None) -> None:
    if exception is None or task.retries:
        return  # succeeded, or will be retried
    for listener in _final_failure_listeners:
        try:
            listener(task, exception)
        except Exception:  # recording must never break the consumer
            log.exception("could not record the failure of job %s", task.name)


def _in_app_context(fn: F, lock: str | None, skip_when_locked: bool) -> F:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with bound_app().app_context(), ExitStack() as held:
            if lock is not None:
                # Two workers (or a worker and a late periodic run) never run it at the same time.
                ttl = LOCK_TTL if locks_expire() else None
                try:
                    held.enter_context(huey.lock_task(lock, ttl=ttl))
                except TaskLockedException:
                    if not skip_when_locked:
                        raise
                    # A periodic job still running from its last turn does this turn's work:
                    # skipping is no failure (it used to fill the failures list every minute).
                    log.info("job %s skipped: its last run still holds %s", fn.__name__, lock)
                    return None
            return fn(*args, **kwargs)

    return run  # type: ignore[return-value]


def _registrar(
    register: Callable[..., Callable[[F], TaskWrapper]],
    *schedule: Any,
    retries: int,
    retry_delay: int,
    name: str | None,
    lock: str | None,
    skip_when_locked: bool = False,
) -> Callable[[F], TaskWrapper]:
    def decorator(fn: F) -> TaskWrapper:
        return register(
            *schedule,
            retries=retries,
            retry_delay=retry_delay,
            retry_backoff=RETRY_BACKOFF,
            name=name or f"{fn.__module__}.{fn.__qualname__}",
        )(_in_app_context(fn, lock, skip_when_locked))

    return decorator


def task(
    *,
    retries: int = DEFAULT_RETRIES,
    retry_delay: int = DEFAULT_RETRY_DELAY,
    name: str | None = None,
    lock: str | None = None,
) -> Callable[[F], TaskWrapper]:
    """Make ``fn`` a job: calling the result enqueues it; ``.call_local()`` runs it here."""
    return _registrar(huey.task, retries=retries, retry_delay=retry_delay, name=name, lock=lock)


def periodic(
    schedule: Callable[[Any], bool],
    *,
    retries: int = 1,
    retry_delay: int = 60,
    name: str | None = None,
    lock: str | None = None,
) -> Callable[[F], TaskWrapper]:
    """Make ``fn`` a job the worker runs on ``schedule`` (a ``crontab(...)``, UTC); with a
    ``lock``, a turn that comes while the last run still holds it is skipped."""
    return _registrar(
        huey.periodic_task,
        schedule,
        retries=retries,
        retry_delay=retry_delay,
        name=name,
        lock=lock,
        skip_when_locked=True,
    )
