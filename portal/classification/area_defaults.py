"""The server-side default of a posting's plan area: the best suggestion for its text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.classification.classifiers import MAX_TEXT_CHARS, suggest_areas
from portal.taxonomy import service as taxonomy_service
from portal.taxonomy.models import PLAN_TAXONOMY

# Below this many characters a suggestion is a guess; the poster is better left to choose.
MIN_TEXT_CHARS = 8
TEXT_FIELDS = ("title", "summary", "description")


def with_suggested_area(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with ``area`` filled from the title, summary and description when it is empty
    and a suggested plan field exists in the taxonomy table; otherwise unchanged."""
    filled = dict(values)
    if filled.get("area"):
        return filled
    text = "\n".join(str(filled.get(name) or "") for name in TEXT_FIELDS).strip()
    if len(text) < MIN_TEXT_CHARS:
        return filled
    for candidate in suggest_areas(text[:MAX_TEXT_CHARS]):
        if candidate.taxonomy != PLAN_TAXONOMY:
            continue
        if taxonomy_service.area_by_code(PLAN_TAXONOMY, candidate.code) is not None:
            filled["area"] = candidate.code
            break
    return filled
