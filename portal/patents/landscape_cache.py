"""Landscapes of a selection, kept until the patents change.

A landscape over 100,000 patents takes seconds (a dozen grouped scans), and the patents change
only when someone imports or reclassifies them. So each app keeps the landscapes it computed
lately, keyed by the filters, the day (incomplete years move with it) and a fingerprint of
the patents table (row count, highest id, latest change) that every import or update moves.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from sqlalchemy import func, select

from portal.app_state import per_app
from portal.extensions import db
from portal.patents.landscape import Landscape, landscape
from portal.patents.models import Patent
from portal.patents.query import PatentFilter

MAX_ENTRIES = 64
_KEY = "portal.patent_landscapes"


class _Landscapes:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[tuple[Any, ...], Landscape] = OrderedDict()


def _fingerprint() -> tuple[Any, ...]:
    return tuple(
        db.session.execute(
            select(func.count(Patent.id), func.max(Patent.id), func.max(Patent.updated_at))
        ).one()
    )


def cached_landscape(filters: PatentFilter, *, top: int = 15) -> Landscape:
    """`landscape(filters)`, from the cache while the patents are as they were."""
    kept = per_app(None, _KEY, lambda app: _Landscapes())
    key = (filters, top, date.today(), _fingerprint())
    with kept.lock:
        found = kept.entries.get(key)
        if found is not None:
            kept.entries.move_to_end(key)
            return found
    result = landscape(filters, top=top)
    with kept.lock:
        kept.entries[key] = result
        while len(kept.entries) > MAX_ENTRIES:
            kept.entries.popitem(last=False)
    return result


def forget_landscapes() -> None:
    """Drop every kept landscape (the benchmark measures uncached ones)."""
    kept = per_app(None, _KEY, lambda app: _Landscapes())
    with kept.lock:
        kept.entries.clear()
