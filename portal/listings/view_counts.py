"""Page views of published listings, counted in memory and written in batches.

One UPDATE and commit per page view made every detail view a database write: on SQLite the
writes of all web workers queue behind one lock, and a detail page served from the cache in
half a millisecond still waited for its write (127 requests/s at 50 clients). Each process
now adds views up and writes them at most every VIEW_COUNT_FLUSH_SECONDS (default 10; 0
writes each view at once, as the tests do), one UPDATE per listing. A process that is killed
loses at most that many seconds of views: an accepted loss for a popularity figure.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from flask import current_app
from sqlalchemy import update

from portal.extensions import db
from portal.listings.models import Listing, ListingStatus
from portal.transactions import unit_of_work

_lock = threading.Lock()
_pending: Counter[tuple[type[Listing], int]] = Counter()
_last_write = [time.monotonic()]


def count_view(model: type[Listing], listing_id: int) -> None:
    """Count one view; the counts gathered so far are written with the first view after the
    interval."""
    with _lock:
        _pending[(model, listing_id)] += 1
        due = time.monotonic() - _last_write[0] >= current_app.config["VIEW_COUNT_FLUSH_SECONDS"]
    if due:
        write_pending_views()


def write_pending_views() -> int:
    """Add the gathered views to the listings (published ones only); returns how many."""
    with _lock:
        counts = dict(_pending)
        _pending.clear()
        _last_write[0] = time.monotonic()
    if not counts:
        return 0
    with unit_of_work():
        for (model, listing_id), views in counts.items():
            db.session.execute(
                update(model)
                .where(model.id == listing_id, model.status == ListingStatus.PUBLISHED)
                .values(view_count=model.view_count + views)
            )
    return sum(counts.values())
