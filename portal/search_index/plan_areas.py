"""The plan's area codes and names, as the search page and its arguments need them.

Read from the database at most once a minute per app and process. The search itself never
touches the database; with the area names and codes read per request (two or three queries a
page) the search page held a pooled database connection that the search API never needed, and
under 50 concurrent clients the page's requests queued for the pool while the API ran free.
"""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.taxonomy.models import PLAN_TAXONOMY, TaxonomyArea

AREA_NAMES_SECONDS = 60.0
_CACHE_KEY = "portal.search.plan_areas"


def plan_area_labels() -> dict[str, str]:
    """Area code -> "code name", for every area of the plan."""
    extensions = current_app.extensions
    expires, labels = extensions.get(_CACHE_KEY, (0.0, {}))
    if time.monotonic() >= expires:
        rows = db.session.execute(
            select(TaxonomyArea.code, TaxonomyArea.name).where(
                TaxonomyArea.taxonomy == PLAN_TAXONOMY
            )
        )
        labels = {code: f"{code} {name}" for code, name in rows}
        extensions[_CACHE_KEY] = (time.monotonic() + AREA_NAMES_SECONDS, labels)
    return labels


def plan_area_codes() -> frozenset[str]:
    return frozenset(plan_area_labels())
