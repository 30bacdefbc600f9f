"""Maintenance an admin starts from the jobs page (rebuild the search index, re-rank the
matches, reclassify the organizations) and follows on a progress page.

A domain registers its maintenance in its own ``jobs`` module::

    @maintenance("search.reindex", _l("重建检索索引"), _l("..."), {"technology": _l("技术")})
    def reindex_everything(progress: Progress) -> dict[str, int]:
        ...  # calls progress(done, total) as it goes; returns counts for the result table

One worker job runs any of them and keeps its record under ``maintenance:<name>`` (state,
done / total, the counts or the error) for the page to poll. A kind runs once at a time: a
second start while one is queued or running is refused, unless the running one has stopped
reporting (its worker died). Each maintenance rebuilds derived data from the database, so a run
that was interrupted is simply started again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.domain_errors import Conflict, NotFound
from portal.jobs.progress import get_progress, is_silent, set_progress
from portal.jobs.queue import task

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Work = Callable[[Progress], dict[str, int]]
# The worker writes progress at most this often (each write is a storage round trip).
REPORT_EVERY_SECONDS = 0.5
ACTIVE_STATES = ("queued", "running")


@dataclass(frozen=True)
class Maintenance:
    name: str
    label: Any  # lazy gettext strings: read in the language of whoever looks
    explanation: Any
    count_labels: Mapping[str, Any]
    work: Work


_registry: dict[str, Maintenance] = {}


def maintenance(
    name: str, label: Any, explanation: Any, count_labels: Mapping[str, Any]
) -> Callable[[Work], Work]:
    """Register ``work`` as the maintenance ``name`` (see the module's example)."""

    def register(work: Work) -> Work:
        _registry[name] = Maintenance(name, label, explanation, dict(count_labels), work)
        return work

    return register


def registered() -> list[Maintenance]:
    return sorted(_registry.values(), key=lambda item: item.name)


def get_maintenance(name: str) -> Maintenance:
    try:
        return _registry[name]
    except KeyError:
        raise NotFound(_l("没有这项维护任务。")) from None


def progress_key(name: str) -> str:
    return f"maintenance:{name}"


def maintenance_record(name: str) -> dict[str, Any] | None:
    """The last run's record (state, done, total, counts or message), if any."""
    return get_progress(progress_key(get_maintenance(name).name))


def is_active(record: dict[str, Any] | None) -> bool:
    return bool(record) and record["state"] in ACTIVE_STATES and not is_silent(record)


def start_maintenance(name: str, started_by: int) -> dict[str, Any] | None:
    """Queue the maintenance ``name``; refused while a run of it is queued or running."""
    item = get_maintenance(name)
    try:
        running = is_active(maintenance_record(item.name))
        if not running:
            queued = {"state": "queued", "done": 0, "total": 0, "started_by": started_by}
            set_progress(progress_key(item.name), **queued)
            run_maintenance(item.name, started_by)
    except Exception as exc:  # the queue is unreachable; hours of work must not run in a request
        log.warning("could not queue maintenance %s: %s", name, exc)
        message = _l("任务队列无法连接，维护任务没有启动。")
        raise Conflict(message, code="queue_unreachable") from exc
    if running:
        raise Conflict(_l("这项维护任务正在进行，请等它结束后再启动。"))
    return maintenance_record(item.name)


@task(retries=0, name="jobs.maintenance")
def run_maintenance(name: str, started_by: int) -> None:
    """Run one maintenance, keeping its record up to date; not retried (the admin decides)."""
    key = progress_key(name)
    base = {"started_by": started_by, "started_at": time.time()}
    last = {"written": 0.0, "done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        last.update(done=done, total=total)
        now = time.monotonic()
        if now - last["written"] >= REPORT_EVERY_SECONDS or done >= total:
            set_progress(key, state="running", done=done, total=total, **base)
            last["written"] = now

    progress(0, 0)
    try:
        counts = _registry[name].work(progress)
    except Exception as exc:
        log.exception("maintenance %s failed", name)
        failed = {"done": last["done"], "total": last["total"], "message": str(exc)[:500]}
        set_progress(key, state="failed", **failed, **base)
        return
    done, total = int(last["done"]), int(last["total"])
    set_progress(key, state="done", done=done, total=total, counts=counts, **base)
