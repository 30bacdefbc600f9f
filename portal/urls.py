"""URL helpers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter


def safe_next_url(target: str | None) -> str | None:
    """Accept only same-site relative paths, so `?next=` cannot redirect off the portal."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


class RowIdConverter(IntegerConverter):
    """`<int:...>` limited to nine digits, within what an id column holds (PostgreSQL's INTEGER
    ends at 2**31 - 1): a longer number is no row, so it matches no route (404) instead of
    overflowing the database driver (500). The limit is in the pattern rather than `max`, so
    every method of the path answers 404 alike (a `max` refusal lets Werkzeug answer 405)."""

    regex = r"\d{1,9}"


def row_id(raw: str) -> int | None:
    """A row id from a form field or query argument, as the converter above takes it: one to
    nine ASCII digits (``"²".isdigit()`` is true, and a 20-digit id overflows PostgreSQL)."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def configure_url_converters(app: Flask) -> None:
    """Before any route is added: every `<int:...>` of the portal is a row id."""
    app.url_map.converters["int"] = RowIdConverter
