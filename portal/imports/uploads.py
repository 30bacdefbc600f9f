"""Uploaded import files kept between the preview and the confirmation.

The bytes wait under instance/imports/ with a random name (never the user's file
name), beside a small JSON note of what to do with them, so confirming re-uploads
nothing. Only the person who uploaded a file may preview or confirm it; files
are deleted once imported or cancelled, and forgotten ones after a day.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from portal.listings.kinds import ListingKind

STALE_AFTER_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")


@dataclass(frozen=True)
class PendingUpload:
    token: str
    kind: ListingKind
    filename: str  # as uploaded: shown to the user and read for its suffix, never a path
    create_missing_orgs: bool
    uploader_id: int


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    return folder / f"{token}.upload", folder / f"{token}.json"


def remove_stale(folder: Path, now: float | None = None) -> int:
    """Delete uploads older than a day; returns how many files went."""
    cutoff = (now or time.time()) - STALE_AFTER_SECONDS
    removed = 0
    for path in folder.glob("*.*"):
        if path.suffix in (".upload", ".json") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def save_upload(
    folder: Path,
    data: bytes,
    *,
    kind: ListingKind,
    filename: str,
    create_missing_orgs: bool,
    uploader_id: int,
) -> PendingUpload:
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder)
    pending = PendingUpload(
        secrets.token_urlsafe(18), kind, filename[-200:], create_missing_orgs, uploader_id
    )
    data_path, note_path = _paths(folder, pending.token)
    data_path.write_bytes(data)
    note_path.write_text(json.dumps(asdict(pending), ensure_ascii=False), encoding="utf-8")
    return pending


def load_upload(folder: Path, token: str, uploader_id: int) -> tuple[PendingUpload, bytes] | None:
    """The upload and its bytes; None when unknown, gone, or someone else's."""
    if not TOKEN.match(token):
        return None
    data_path, note_path = _paths(folder, token)
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    pending = PendingUpload(**{**note, "kind": ListingKind(note["kind"])})
    if pending.uploader_id != uploader_id:
        return None
    return pending, data


def discard_upload(folder: Path, token: str) -> None:
    if TOKEN.match(token):
        for path in _paths(folder, token):
            path.unlink(missing_ok=True)
