"""The carbon-type seed data: rules per type and labeled example texts (seed_data/carbon/)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from search.tokenize import normalize

CARBON_SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data" / "carbon"
CARBON_TYPES = ("negative", "zero", "low", "none")
CARBON_LABELS = {"negative": "负碳", "zero": "零碳", "low": "低碳", "none": "非低碳类"}


@dataclass(frozen=True)
class CarbonRule:
    carbon_type: str
    label: str
    terms: tuple[str, ...]
    plan_fields: frozenset[str]


@dataclass(frozen=True)
class LabeledText:
    text: str
    label: str
    source: str
    ref: str


@cache
def carbon_rules(path: Path = CARBON_SEED_DIR / "rules.json") -> tuple[CarbonRule, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        CarbonRule(
            carbon_type=carbon_type,
            label=data[carbon_type]["label"],
            terms=tuple(dict.fromkeys(normalize(term) for term in data[carbon_type]["terms"])),
            plan_fields=frozenset(data[carbon_type]["plan_fields"]),
        )
        for carbon_type in CARBON_TYPES
        if carbon_type in data
    )


def read_labeled_texts(path: Path) -> list[LabeledText]:
    """Rows of a CSV with ``text`` and a label column (``carbon_type``, ``label`` or ``area``)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = []
    for row in rows:
        label = row.get("carbon_type") or row.get("label") or row.get("area") or ""
        items.append(
            LabeledText(row["text"], label.strip(), row.get("source", ""), row.get("ref", ""))
        )
    return items


@cache
def labeled_examples(
    path: Path = CARBON_SEED_DIR / "labeled_examples.csv",
) -> tuple[LabeledText, ...]:
    return tuple(read_labeled_texts(path))
