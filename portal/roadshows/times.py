"""Roadshow times: stored as naive UTC, entered and shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

EVENT_ZONE = ZoneInfo("Asia/Shanghai")
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # an <input type="datetime-local"> value


def local_to_utc(local: datetime) -> datetime:
    """A wall-clock time in Shanghai (naive, as a form gives it) as naive UTC for storage."""
    aware = local.replace(tzinfo=EVENT_ZONE) if local.tzinfo is None else local
    return aware.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(stored: datetime) -> datetime:
    """A stored (naive UTC) time as an aware Shanghai time."""
    return stored.replace(tzinfo=UTC).astimezone(EVENT_ZONE)


def as_utc(stored: datetime) -> datetime:
    """A stored (naive UTC) time as an aware UTC time."""
    return stored.replace(tzinfo=UTC)


def parse_offset_time(text: str) -> datetime:
    """An ISO 8601 time as naive UTC; without an offset it is read as Shanghai time.

    Raises ValueError for text that is not a time."""
    parsed = datetime.fromisoformat(text.strip())
    return local_to_utc(parsed)


def display(stored: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return utc_to_local(stored).strftime(fmt) if stored is not None else ""
