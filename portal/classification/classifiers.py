"""The app's carbon-type and area classifiers, built once per app on the shared embedder.

Building them embeds the labeled examples and every taxonomy area, so they are kept in
``app.extensions`` and reused by pages, the API and the CLI alike.
"""

from __future__ import annotations

from flask import Flask

from matching.area import AreaCandidate, AreaClassifier
from matching.carbon import CarbonClassification, CarbonClassifier
from portal.app_state import per_app
from portal.embeddings.service import get_embedder

CARBON_KEY = "portal.carbon_classifier"
AREA_KEY = "portal.area_classifier"
# Longer texts are refused (HTTP 413 in the API): a posting's description fits easily, and the
# cap bounds the work one request can ask of the embedder.
MAX_TEXT_CHARS = 10_000


def carbon_classifier(app: Flask | None = None) -> CarbonClassifier:
    return per_app(app, CARBON_KEY, lambda a: CarbonClassifier(get_embedder(a)))


def area_classifier(app: Flask | None = None) -> AreaClassifier:
    return per_app(app, AREA_KEY, lambda a: AreaClassifier(get_embedder(a)))


def classify_carbon_text(text: str, *, plan_area: str | None = None) -> CarbonClassification:
    return carbon_classifier().classify(text, plan_area=plan_area)


def suggest_areas(text: str, limit: int = 3) -> list[AreaCandidate]:
    """Top ``limit`` plan fields, then top ``limit`` 绿色产业指导目录 二级目录, best first each."""
    return area_classifier().suggest(text, limit=limit)
