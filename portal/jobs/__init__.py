"""Background jobs on Huey: the worker drains the outbox and runs the periodic jobs.

`queue` holds the Huey instance, its storage (SQLite file by default, Redis with
``JOBS_URL=redis://...``) and the registration API (``task``, ``periodic``, ``crontab``, re-exported
here; its docstring has a domain's example); `models` the ``job_failures`` table; `service`
status, failures, the heartbeat and ``run_queued``; `builtin` the platform's jobs; `health` the
checks behind ``/healthz`` and ``/readyz``; `views` those endpoints and the admin jobs page;
`commands` ``flask --app wsgi jobs worker | status | run-queued``.

A domain puts its jobs in ``portal/<domain>/jobs.py``; ``configure_jobs`` imports every such
module at start-up, so the web processes and the worker register the same tasks.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from pathlib import Path

from flask import Flask

from portal.jobs.queue import crontab, periodic, task

__all__ = ["configure_jobs", "crontab", "periodic", "task"]

PORTAL_DIR = Path(__file__).resolve().parent.parent


def configure_jobs(app: Flask) -> None:
    """Bind the queue to the app; after a commit the worker, not the request, drains the outbox."""
    from portal.jobs import builtin
    from portal.jobs.queue import configure_queue, on_final_failure
    from portal.jobs.service import record_failure
    from portal.outbox.service import set_drain_trigger

    configure_queue(app)
    on_final_failure(record_failure)
    set_drain_trigger(builtin.enqueue_drain)
    for package in pkgutil.iter_modules([str(PORTAL_DIR)], "portal."):
        if package.ispkg and importlib.util.find_spec(f"{package.name}.jobs") is not None:
            importlib.import_module(f"{package.name}.jobs")
