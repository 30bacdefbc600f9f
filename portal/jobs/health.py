"""The checks behind ``/healthz`` (is every part working?) and ``/readyz`` (may traffic come?).

Each check is cheap and bounded: a ``SELECT 1``, the search backend's own health call (two
seconds at most for Elasticsearch) once this process has opened the backends, the worker's
heartbeat, and what the embedder loaded in this process said of itself (a probe never loads the
model).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from flask import Flask
from sqlalchemy import text

from embeddings.loading import embedder_status
from portal.extensions import db
from portal.jobs.service import HEARTBEAT_STALE_AFTER, heartbeat_age
from portal.search_index.backends import EXTENSION_KEY, get_backends


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        db.session.rollback()
        return Check("database", False, type(error).__name__)
    return Check("database", True, db.engine.dialect.name)


def _search(app: Flask) -> Check:
    if EXTENSION_KEY not in app.extensions:  # opening them loads the embedder: not for a probe
        return Check("search", True, "not opened in this process yet")
    try:
        backends = get_backends(app)
    except Exception as error:
        return Check("search", False, type(error).__name__)
    if backends.elastic is None:
        return Check("search", True, "embedded")
    healthy = backends.elastic.health()
    # The embedded index answers when Elasticsearch does not: degraded, still serving.
    return Check("search", healthy, "elasticsearch" if healthy else "elasticsearch unreachable")


def _worker() -> Check:
    try:
        age = heartbeat_age()
    except Exception as error:
        return Check("worker", False, f"queue unreachable: {type(error).__name__}")
    if age is None:
        return Check("worker", False, "no heartbeat yet")
    return Check("worker", age < HEARTBEAT_STALE_AFTER, f"last heartbeat {age:.0f} s ago")


def _embedder(app: Flask) -> Check:
    if app.config.get("EMBEDDER") == "hashed":
        return Check("embedder", True, "hashed (tests)")
    status = embedder_status()
    if status is None:
        return Check("embedder", True, "not loaded in this process yet")
    return Check("embedder", not status.fallback, f"{status.name}: {status.reason}")


def health(app: Flask) -> dict[str, Any]:
    """Every check; ``ok`` only when all pass."""
    checks = [_database(), _search(app), _worker(), _embedder(app)]
    return {"ok": all(c.ok for c in checks), "checks": [asdict(c) for c in checks]}


def readiness() -> dict[str, Any]:
    """Ready to serve: the database answers (search falls back, jobs wait in the outbox)."""
    check = _database()
    return {"ok": check.ok, "checks": [asdict(check)]}
