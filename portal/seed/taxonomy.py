"""Load the plan taxonomy and the official 绿色产业指导目录 (2019) into TaxonomyArea."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY, TaxonomyArea

# The catalogue writes names with their numbers ("1.1高效节能装备制造"); codes hold those.
_LEADING_NUMBER = re.compile(r"^\d+(\.\d+)*\.?\s*")
_AREA_FIELDS = ("name", "name_en", "level", "description", "terms", "carbon_type", "position")


def _upsert_areas(taxonomy: str, rows: list[dict[str, Any]]) -> int:
    """Insert or update areas by code; parents come before children. Returns rows changed."""
    existing = {
        area.code: area
        for area in db.session.scalars(
            select(TaxonomyArea).where(TaxonomyArea.taxonomy == taxonomy)
        )
    }
    changed = 0
    for row in rows:
        values = {field: row.get(field) for field in _AREA_FIELDS}
        values["terms"] = list(values["terms"] or [])
        values["description"] = values["description"] or ""
        parent = existing.get(row["parent"]) if row.get("parent") else None
        area = existing.get(row["code"])
        if area is None:
            area = TaxonomyArea(taxonomy=taxonomy, code=row["code"])
            db.session.add(area)
            existing[row["code"]] = area
        elif area.parent is parent and all(
            getattr(area, field) == value for field, value in values.items()
        ):
            continue
        for field, value in values.items():
            setattr(area, field, value)
        area.parent = parent
        changed += 1
    db.session.flush()
    return changed


def load_plan_taxonomy(path: Path) -> int:
    rows = json.loads(path.read_text(encoding="utf-8"))
    for position, row in enumerate(rows):
        row["position"] = position
    rows.sort(key=lambda row: (row["level"] != "action", row["code"]))
    return _upsert_areas(PLAN_TAXONOMY, rows)


def green_industry_rows(path: Path) -> list[dict[str, Any]]:
    """Three levels from the catalogue's rows: 一级目录 (1), 二级目录 (1.1), 目录 (1.1.1)."""
    rows: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for position, record in enumerate(csv.DictReader(handle)):
            code = record["code"].strip()
            parts = code.split(".")
            level_names = (record["一级目录"], record["二级目录"], record["目录"])
            for depth in range(1, len(parts) + 1):
                prefix = ".".join(parts[:depth])
                if prefix in rows:
                    continue
                is_leaf = depth == len(parts)
                rows[prefix] = {
                    "code": prefix,
                    "name": _LEADING_NUMBER.sub("", level_names[depth - 1].strip()),
                    "level": ("category", "subcategory", "item")[depth - 1],
                    "parent": ".".join(parts[: depth - 1]) or None,
                    "description": record.get("说明", "").strip() if is_leaf else "",
                    "terms": [],
                    "position": position,
                }
    return sorted(rows.values(), key=lambda row: (row["code"].count("."), row["position"]))


def load_green_industry_catalogue(path: Path) -> int:
    return _upsert_areas(GREEN_INDUSTRY_TAXONOMY, green_industry_rows(path))
