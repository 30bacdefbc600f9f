"""Bulk import pages for staff: upload, preview (a dry run), confirm, progress, result.

Confirming queues the import as a job (`portal.imports.jobs`); the progress page polls the
JSON status route (static/js/job_progress.js) and turns into the result page when it ends.

The upload route accepts bodies up to MAX_UPLOAD_LENGTH while every other route
keeps the 1 MiB MAX_CONTENT_LENGTH. The limit has to be raised before anything
reads the body, and the global CSRF check reads it first, so this one view is
left out of that check and its form checks the CSRF token itself.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from portal.extensions import csrf
from portal.imports import uploads
from portal.imports.cells import cell_text
from portal.imports.columns import EXPORT_HEADERS
from portal.imports.forms import UploadForm
from portal.imports.jobs import progress_key, queue_import, upload_folder
from portal.imports.service import FileRejected, ImportReport, import_listings
from portal.imports.uploads import PendingUpload
from portal.jobs.progress import get_progress, is_silent
from portal.listings.kinds import ListingKind
from portal.security import Action, requires

bp = Blueprint("imports", __name__, url_prefix="/imports")


def pending_or_404(token: str) -> tuple[PendingUpload, bytes]:
    found = uploads.load_upload(upload_folder(), token, current_user.id)
    if found is None:
        abort(404)
    return found


def run_import(pending: PendingUpload, data: bytes, *, dry_run: bool) -> ImportReport:
    return import_listings(
        pending.kind,
        pending.filename,
        data,
        current_user,
        create_missing_orgs=pending.create_missing_orgs,
        dry_run=dry_run,
    )


def preview_columns(report: ImportReport) -> list[tuple[str, str]]:
    """(field, header) of the fields the preview rows hold, in export column order."""
    present = {name for row in report.preview for name in row}
    return [(name, header) for name, header in EXPORT_HEADERS.items() if name in present]


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt
@login_required
@requires(Action.IMPORT_LISTINGS)
def upload() -> str | Response | tuple[str, int]:
    if request.method == "POST":
        request.max_content_length = current_app.config["MAX_UPLOAD_LENGTH"]
    form = UploadForm()
    if form.validate_on_submit():
        pending = uploads.save_upload(
            upload_folder(),
            form.file.data.read(),
            kind=ListingKind(form.kind.data),
            filename=form.file.data.filename or "",
            create_missing_orgs=form.create_missing_orgs.data,
            uploader_id=current_user.id,
        )
        return redirect(url_for(".preview", token=pending.token))
    if "csrf_token" in form.errors:
        raise CSRFError(form.errors["csrf_token"][0])
    status = 400 if request.method == "POST" else 200
    headers = list(EXPORT_HEADERS.values())
    return render_template("imports/upload.html", form=form, headers=headers), status


@bp.route("/<token>")
@login_required
@requires(Action.IMPORT_LISTINGS)
def preview(token: str) -> str | Response:
    pending, data = pending_or_404(token)
    try:
        report = run_import(pending, data, dry_run=True)
    except FileRejected as exc:
        uploads.discard_upload(upload_folder(), token)
        flash(str(exc), "danger")
        return redirect(url_for(".upload"))
    return render_template(
        "imports/preview.html",
        pending=pending,
        report=report,
        columns=preview_columns(report),
        cell_text=cell_text,
        action_form=FlaskForm(),
    )


@bp.route("/<token>/confirm", methods=["POST"])
@login_required
@requires(Action.IMPORT_LISTINGS)
def confirm(token: str) -> str | Response | tuple[str, int]:
    pending, _data = pending_or_404(token)
    return _outcome(queue_import(pending), token)


def _outcome(record: dict[str, Any] | None, token: str) -> str | Response | tuple[str, int]:
    """The result page once the import job ended, else the page that follows its progress."""
    if record is None:
        abort(404)
    if record["state"] == "failed":
        flash(record["message"], "danger")
        return redirect(url_for(".upload"))
    if record["state"] == "done":
        report = record["report"]
        page = render_template("imports/result.html", pending=record["pending"], report=report)
        return page, 200 if report.ok else 422
    if request.method == "POST":
        return redirect(url_for(".progress", token=token), code=303)
    return render_template(
        "imports/progress.html",
        pending=record["pending"],
        progress=record,
        interrupted=is_silent(record),
    )


def _own_record(token: str) -> dict[str, Any]:
    record = get_progress(progress_key(token)) if uploads.TOKEN.match(token) else None
    if record is None or record["pending"].uploader_id != current_user.id:
        abort(404)
    return record


@bp.route("/<token>/progress")
@login_required
@requires(Action.IMPORT_LISTINGS)
def progress(token: str) -> str | Response | tuple[str, int]:
    return _outcome(_own_record(token), token)


@bp.route("/<token>/status")
@login_required
@requires(Action.IMPORT_LISTINGS)
def status(token: str) -> Response:
    """What the progress page polls: rows done / total, rejected so far, and the state."""
    record = _own_record(token)
    return jsonify(
        state="interrupted" if is_silent(record) else record["state"],
        done=record["done"],
        total=record["total"],
        rejected=record["rejected"],
    )


@bp.route("/<token>/cancel", methods=["POST"])
@login_required
@requires(Action.IMPORT_LISTINGS)
def cancel(token: str) -> Response:
    pending_or_404(token)
    uploads.discard_upload(upload_folder(), token)
    flash(_("已取消导入，上传的文件已删除"), "info")
    return redirect(url_for(".upload"))
