"""The carbon-type seed data: rules per type and labeled example texts (seed_data/carbon/)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from search.tokenize import normalize

CARBON_SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data" / "carbon"
# The labeled set (seed_data/classification/CARBON_LABELING.md): the learned layer's examples are
# its train rows; its test rows are only ever used to measure.
LABELED_FILE = (
    Path(__file__).resolve().parent.parent / "seed_data" / "classification" / "carbon_labeled.csv"
)
# Texts from outside the plan labeled with their plan field only (seed_data/classification/
# README.md): the independent measure of the plan-field suggestions; nothing is tuned on them.
AREA_LABELED_FILE = LABELED_FILE.with_name("area_labeled.csv")
TRAIN, TEST = "train", "test"
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
    split: str = ""
    area: str = ""  # plan field code, where the text was labeled with one
    group: str = ""  # texts sharing wording (a plan sentence and its clauses) share a group


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
    """Rows of a CSV with ``text`` and a label column (``carbon_type``, ``label`` or ``area``);
    ``split``, ``area`` and ``group`` columns are kept when present."""
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = []
    for row in rows:
        label = row.get("carbon_type") or row.get("label") or row.get("area") or ""
        items.append(
            LabeledText(
                row["text"],
                label.strip(),
                row.get("source", ""),
                row.get("ref", ""),
                (row.get("split") or "").strip(),
                (row.get("area") or "").strip(),
                (row.get("group") or "").strip(),
            )
        )
    return items


@cache
def labeled_set(path: Path = LABELED_FILE) -> tuple[LabeledText, ...]:
    return tuple(read_labeled_texts(path))


def labeled_split(split: str, path: Path = LABELED_FILE) -> tuple[LabeledText, ...]:
    """The rows of one split (``TRAIN`` or ``TEST``) of the labeled set."""
    return tuple(item for item in labeled_set(path) if item.split == split)


def labeled_examples() -> tuple[LabeledText, ...]:
    """The learned layer's examples: the train split of the labeled set."""
    return labeled_split(TRAIN)
