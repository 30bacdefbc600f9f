"""Texts shipped with the project for fitting the lexical fallback embedder.

``embeddings.loading.load_embedder`` fits its fallback on the texts it is given; adding these
means it can be fitted even on an empty platform, in the platform's own vocabulary.
"""

from __future__ import annotations

from matching.carbon_data import labeled_examples
from matching.taxonomy import plan_areas


def bundled_fit_texts() -> list[str]:
    """The plan areas (name, terms, description) and the labeled carbon examples."""
    texts = [f"{area.name} {' '.join(area.terms)} {area.description}" for area in plan_areas()]
    texts.extend(example.text for example in labeled_examples())
    return texts
