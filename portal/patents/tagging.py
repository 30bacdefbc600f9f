"""Carbon type and plan field of patents, from their title and abstract.

The matching package's classifiers, in their explainable layers only: the carbon rules (key
terms per type, any hit deciding) and the plan fields' key terms with the lexical similarity.
The embedding layers are left out because an import tags up to 200,000 patents at once and
embedding each text would take longer than the rest of the import many times over.

The plan field is not fed to the carbon rules: it is guessed from the same words, so it would
count them twice, and the plan puts fields such as 自动驾驶 under 低碳 that a patent on a
lidar sensor is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from matching.area import AreaClassifier
from matching.carbon import CarbonClassifier
from portal.app_state import per_app
from portal.organizations.models import CarbonType

_CARBON_KEY = "portal.patent_carbon_rules"
_AREA_KEY = "portal.patent_area_terms"
MAX_TEXT_CHARS = 4000  # a title and the head of the abstract say what the patent is about
CARBON_TYPE_LABELS = {
    CarbonType.NEGATIVE: _l("负碳"),
    CarbonType.ZERO: _l("零碳"),
    CarbonType.LOW: _l("低碳"),
    CarbonType.NONE: _l("非低碳类"),
}


@dataclass(frozen=True)
class PatentTags:
    carbon_type: CarbonType
    plan_area: str | None  # a plan field code (A01.01), None where no field's term occurs


def patent_text(title: str, abstract: str | None) -> str:
    return f"{title}\n{abstract or ''}"[:MAX_TEXT_CHARS]


def tag_texts(texts: Sequence[str]) -> list[PatentTags]:
    """Tags of each text, in order."""
    carbon = per_app(None, _CARBON_KEY, lambda app: CarbonClassifier(None))
    areas = per_app(None, _AREA_KEY, lambda app: AreaClassifier(None))
    fields = areas.plan_fields_of(texts)
    return [
        PatentTags(
            CarbonType(carbon.classify_by_terms(text).carbon_type),
            field.code if field is not None else None,
        )
        for text, field in zip(texts, fields, strict=True)
    ]
