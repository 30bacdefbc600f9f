"""Job tests run on both queue storages: Huey's SQLite file and a real Redis (TEST_REDIS_URL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal.accounts.models import User
from portal.jobs.queue import configure_queue, huey
from tests.conftest import require_service


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    return require_service("TEST_REDIS_URL", "Redis")


@pytest.fixture
def queue(app: Flask, people: dict[str, User], queue_url: str) -> Iterator[str]:
    """A real queue with no worker: jobs wait until the test runs them (``run_queued``)."""
    app.config.update(JOBS_URL=queue_url, JOBS_IMMEDIATE=False)
    configure_queue(app)
    huey.flush()
    yield queue_url
    huey.flush()
