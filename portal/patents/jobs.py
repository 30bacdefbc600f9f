"""Large patent imports as a background job: the upload is kept under instance/, the worker
imports it, and the page follows its progress (phase, rows done / total) to the result.

The import stays all or nothing: it commits once at the end, and with any rejected row it
rolls back, so a worker killed half-way leaves no patent behind; its record then stops being
updated and the page says the import was interrupted. The job is not retried by itself.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from flask import current_app

from portal.jobs import task
from portal.jobs.progress import get_progress, set_progress
from portal.patents.service import FileRejected, import_patents
from portal.transactions import unit_of_work

TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")
_REJECTED_SHOWN = 200


def upload_folder() -> Path:
    return Path(current_app.instance_path) / "patent-imports"


def progress_key(token: str) -> str:
    return f"patent-import:{token}"


def queue_patent_import(filename: str, data: bytes, uploader_id: int) -> str:
    """Keep the upload and queue its import; returns the token its progress is kept under."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.upload").write_bytes(data)
    base = {"filename": filename[-200:], "uploader_id": uploader_id}
    try:
        set_progress(progress_key(token), state="queued", phase="", done=0, total=0, **base)
        run_patent_import(token, filename[-200:], uploader_id)
    except Exception:  # the queue is unreachable: import here rather than not at all
        run_patent_import.call_local(token, filename[-200:], uploader_id)
    return token


def import_record(token: str, uploader_id: int) -> dict[str, Any] | None:
    """The job's record, for the person who uploaded the file only."""
    record = get_progress(progress_key(token)) if TOKEN.match(token) else None
    return record if record and record.get("uploader_id") == uploader_id else None


@task(retries=0, name="patents.import")
def run_patent_import(token: str, filename: str, uploader_id: int) -> None:
    path = upload_folder() / f"{token}.upload"
    if not path.exists():
        return  # already imported
    key = progress_key(token)
    base = {"filename": filename, "uploader_id": uploader_id}

    def progress(phase: str, done: int, total: int) -> None:
        set_progress(key, state="running", phase=phase, done=done, total=total, **base)

    try:
        with unit_of_work() as session:
            report = import_patents(filename, path.read_bytes(), progress=progress)
            if report.rejected:
                session.rollback()
    except FileRejected as exc:
        set_progress(key, state="failed", message=str(exc), phase="", done=0, total=0, **base)
    else:
        result = report.as_json()
        result["rejected"] = result["rejected"][:_REJECTED_SHOWN]
        result["rejected_count"] = len(report.rejected)
        state = "rejected" if report.rejected else "done"
        set_progress(
            key, state=state, phase="", done=report.total, total=report.total, result=result, **base
        )
    finally:
        path.unlink(missing_ok=True)
