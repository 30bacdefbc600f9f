"""``/healthz`` and ``/readyz`` for the proxy and the process manager, the admin jobs page, and
the maintenance an admin starts there and follows on a progress page (static/js/job_progress.js
polls its JSON status)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from portal.domain_errors import Conflict
from portal.jobs.health import health, readiness
from portal.jobs.maintenance import (
    ACTIVE_STATES,
    get_maintenance,
    maintenance_record,
    registered,
    start_maintenance,
)
from portal.jobs.progress import is_silent
from portal.jobs.service import FAILURES_SHOWN, queue_status
from portal.security import Action, can, requires

bp = Blueprint("jobs", __name__)

STATE_LABELS = {
    "queued": _l("排队中"),
    "running": _l("进行中"),
    "done": _l("已完成"),
    "failed": _l("失败"),
    "interrupted": _l("已中断"),
}


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    report = health(current_app._get_current_object())  # type: ignore[attr-defined]
    return jsonify(report), 200 if report["ok"] else 503


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    report = readiness()
    return jsonify(report), 200 if report["ok"] else 503


@bp.get("/admin/jobs")
@login_required
@requires(Action.VIEW_SYSTEM_STATUS)
def overview() -> str:
    status = queue_status(failures=FAILURES_SHOWN)
    return render_template(
        "admin/jobs.html",
        status=status,
        # The records live in the queue's storage: none can be read while it is unreachable.
        maintenance=[
            (item, _shown_record(item.name) if status.reachable else None) for item in registered()
        ],
        may_run=can(current_user, Action.RUN_MAINTENANCE),
        state_labels=STATE_LABELS,
    )


def _shown_record(name: str) -> dict | None:
    """The record as pages show it: a run whose worker stopped reporting reads "interrupted"."""
    record = maintenance_record(name)
    if record is None:
        return None
    shown = {**record, "state": "interrupted" if is_silent(record) else record["state"]}
    if "started_at" in record:
        shown["started_at"] = datetime.fromtimestamp(record["started_at"], UTC)
    shown["active"] = shown["state"] in ACTIVE_STATES
    return shown


@bp.post("/admin/jobs/maintenance/<name>")
@login_required
@requires(Action.RUN_MAINTENANCE)
def start(name: str) -> Response:
    try:
        start_maintenance(name, current_user.id)
    except Conflict as exc:
        flash(exc.message, "warning")
        return redirect(url_for(".overview"))
    return redirect(url_for(".maintenance_progress", name=name))


@bp.get("/admin/jobs/maintenance/<name>")
@login_required
@requires(Action.VIEW_SYSTEM_STATUS)
def maintenance_progress(name: str) -> str:
    item = get_maintenance(name)
    return render_template(
        "admin/maintenance.html",
        item=item,
        state_labels=STATE_LABELS,
        record=_shown_record(name),
        may_run=can(current_user, Action.RUN_MAINTENANCE),
    )


@bp.get("/admin/jobs/maintenance/<name>/status")
@login_required
@requires(Action.VIEW_SYSTEM_STATUS)
def maintenance_status(name: str) -> Response:
    """What the progress page polls: done / total and the state (with its label, shown)."""
    get_maintenance(name)
    record = _shown_record(name) or {"state": "none", "done": 0, "total": 0}
    state = record["state"]
    label = str(STATE_LABELS.get(state, ""))
    return jsonify(state=state, label=label, done=record["done"], total=record["total"])
