"""Progress of long jobs, kept in the queue's storage so the web processes can read what the
worker writes (imports now; reindexing or patent imports can report the same way).

A record is a small dict under a key the job and the page agree on; ``updated`` (epoch
seconds) is added on every write, so a reader can tell a job that stopped reporting (its worker
was killed) from one still at work.
"""

from __future__ import annotations

import time
from typing import Any

from portal.jobs.queue import huey

PREFIX = "progress:"
# A running job reports far more often than this; silence this long means it was interrupted.
SILENT_AFTER_SECONDS = 120.0


def set_progress(key: str, **fields: Any) -> None:
    """Replace the record of ``key`` (every write names all its fields)."""
    huey.put(PREFIX + key, {**fields, "updated": time.time()})


def get_progress(key: str) -> dict[str, Any] | None:
    record = huey.get(PREFIX + key, peek=True)
    return record if isinstance(record, dict) else None


def is_silent(record: dict[str, Any], now: float | None = None) -> bool:
    """A running job that has not reported for too long (its worker died)."""
    age = (now or time.time()) - float(record.get("updated", 0))
    return record.get("state") == "running" and age > SILENT_AFTER_SECONDS
