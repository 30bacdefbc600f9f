"""``/healthz`` and ``/readyz`` for the proxy and the process manager, and the admin jobs page."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from portal.jobs.health import health, readiness
from portal.jobs.service import FAILURES_SHOWN, queue_status
from portal.security import Action, requires

bp = Blueprint("jobs", __name__)


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
    return render_template("admin/jobs.html", status=queue_status(failures=FAILURES_SHOWN))
