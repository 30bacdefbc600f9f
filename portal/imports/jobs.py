"""The import as a background job: the confirmation queues it, the worker runs it, the page
follows its progress (rows done / total, rejected so far) and shows the result.

The import itself stays all or nothing (`service.import_listings` commits once at the end), so a
worker killed half-way leaves no row behind; its record stops being updated, the page says the
import was interrupted, and the upload is still there to confirm again. The job is not retried
by itself for the same reason: the person decides.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale

from portal.accounts.models import User
from portal.extensions import db
from portal.imports import uploads
from portal.imports.service import FileRejected, import_listings
from portal.imports.uploads import PendingUpload
from portal.jobs import crontab, periodic, task
from portal.jobs.progress import get_progress, set_progress

log = logging.getLogger(__name__)


def upload_folder() -> Path:
    return Path(current_app.instance_path) / "imports"


def progress_key(token: str) -> str:
    return f"import:{token}"


def queue_import(pending: PendingUpload) -> dict[str, Any] | None:
    """Queue the import of ``pending``; returns its record (already final when jobs run at once)."""
    key = progress_key(pending.token)
    try:
        set_progress(key, state="queued", done=0, total=0, rejected=0, pending=pending)
        run_import_job(pending.token, pending.uploader_id)
    except Exception:  # the queue is unreachable: import here rather than not at all
        run_import_job.call_local(pending.token, pending.uploader_id)
    return get_progress(key)


@task(retries=0, name="imports.run")
def run_import_job(token: str, uploader_id: int) -> None:
    folder = upload_folder()
    found = uploads.load_upload(folder, token, uploader_id)
    actor = db.session.get(User, uploader_id)
    if found is None or actor is None:
        return  # done, cancelled or forgotten meanwhile
    pending, data = found
    key = progress_key(token)
    base = {"pending": pending}  # the queue's storage pickles: records hold the objects

    def report_progress(done: int, total: int, rejected: int) -> None:
        set_progress(key, state="running", done=done, total=total, rejected=rejected, **base)

    # The worker has no request to take a language from: the reasons for rejected rows are
    # written in the uploader's, as the page that shows them is.
    locale = actor.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        try:
            report = import_listings(
                pending.kind,
                pending.filename,
                data,
                actor,
                create_missing_orgs=pending.create_missing_orgs,
                dry_run=False,
                progress=report_progress,
            )
        except FileRejected as exc:
            set_progress(key, state="failed", message=str(exc), done=0, total=0, rejected=0, **base)
        else:
            set_progress(
                key,
                state="done",
                done=report.total,
                total=report.total,
                rejected=len(report.rejected),
                report=replace(report, preview=[]),
                **base,
            )
    uploads.discard_upload(folder, token)


# Hourly: an upload nobody confirmed or cancelled is not kept past a day even when no one
# uploads again (each new upload also clears stale ones).
@periodic(crontab(minute="20"), name="imports.upload_cleanup")
def clean_stale_uploads() -> None:
    removed = uploads.remove_stale(upload_folder())
    log.info("import uploads: %d stale files removed", removed)
