"""Read-only access to the two taxonomies that texts are classified into.

- the plan's ten actions and their technology fields (``seed_data/taxonomy/plan.json``);
- the official 绿色产业指导目录（2019年版） (``seed_data/green_industry_2019/catalogue.csv``).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
PLAN_FILE = SEED_DIR / "taxonomy" / "plan.json"
GREEN_CATALOGUE_FILE = SEED_DIR / "green_industry_2019" / "catalogue.csv"

_LEADING_CODE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)*)\.?\s*")


@dataclass(frozen=True)
class PlanArea:
    code: str
    name: str
    parent: str | None
    level: str  # "action" | "field"
    terms: tuple[str, ...]
    description: str
    # the plan is Chinese; these translate its terms and description so English texts match too
    name_en: str = ""
    terms_en: tuple[str, ...] = ()
    description_en: str = ""

    @property
    def action(self) -> str:
        return self.parent or self.code


@dataclass(frozen=True)
class GreenCatalogueRow:
    """One 三级目录 row; codes are the numbers the official list prints before each name."""

    level1_code: str
    level1_name: str
    level2_code: str
    level2_name: str
    code: str
    name: str
    description: str


def split_code(label: str) -> tuple[str, str]:
    """'1.1高效节能装备制造' -> ('1.1', '高效节能装备制造')."""
    match = _LEADING_CODE.match(label)
    if not match:
        return "", label.strip()
    return match.group(1), label[match.end() :].strip()


@cache
def plan_areas(path: Path = PLAN_FILE) -> tuple[PlanArea, ...]:
    """Areas of the plan taxonomy, or none when the file is not there yet."""
    if not path.exists():
        return ()
    return tuple(
        PlanArea(
            code=str(item["code"]),
            name=str(item["name"]),
            parent=item.get("parent"),
            level=str(item.get("level", "field")),
            terms=tuple(str(term) for term in item.get("terms", [])),
            description=str(item.get("description", "")),
            name_en=str(item.get("name_en") or ""),
            terms_en=tuple(str(term) for term in item.get("terms_en", [])),
            description_en=str(item.get("description_en") or ""),
        )
        for item in json.loads(path.read_text(encoding="utf-8"))
    )


def plan_area_by_code() -> dict[str, PlanArea]:
    return {area.code: area for area in plan_areas()}


@cache
def green_catalogue_rows(path: Path = GREEN_CATALOGUE_FILE) -> tuple[GreenCatalogueRow, ...]:
    """Rows of the 绿色产业指导目录 (2019), or none when the file is not there yet."""
    if not path.exists():
        return ()
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            level1_code, level1_name = split_code(record["一级目录"])
            level2_code, level2_name = split_code(record["二级目录"])
            code, name = split_code(record["目录"])
            rows.append(
                GreenCatalogueRow(
                    level1_code,
                    level1_name,
                    level2_code,
                    level2_name,
                    code,
                    name,
                    record.get("说明", "").strip(),
                )
            )
    return tuple(rows)
