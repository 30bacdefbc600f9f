"""《绿色产业指导目录（2019年版）》: the numbered copy in seed_data/green_industry_2019/."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

CODE_PREFIX = re.compile(r"^(\d+(?:\.\d+)*)\.?\s*")


def number_catalogue(rows: list[dict[str, str]]) -> Iterator[dict[str, str]]:
    """Add the official code to each 三级 row and check it against the row order.

    The file holds only 三级 rows; each name carries its official number as a prefix
    ("1.1.1节能锅炉制造"). The prefix must equal the number obtained by counting
    一级/二级/三级 changes in file order, otherwise the copy is corrupt.
    """
    level1_seen: list[str] = []
    level2_seen: dict[str, list[str]] = {}
    level3_count: dict[str, int] = {}
    for row in rows:
        l1, l2 = row["一级目录"], row["二级目录"]
        if l1 not in level1_seen:
            level1_seen.append(l1)
        siblings = level2_seen.setdefault(l1, [])
        if l2 not in siblings:
            siblings.append(l2)
        level3_count[l2] = level3_count.get(l2, 0) + 1
        by_order = f"{len(level1_seen)}.{siblings.index(l2) + 1}.{level3_count[l2]}"
        match = CODE_PREFIX.match(row["目录"])
        if not match or match.group(1) != by_order:
            raise ValueError(f"numbering mismatch at {row['目录']!r} (order says {by_order})")
        standards = "" if row["国标"] == "《）" else row["国标"]
        yield {"code": by_order, **row, "国标": standards}


def build_catalogue(source: Path, out_dir: Path) -> int:
    with (source / "绿色产业指导目录.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    numbered = list(number_catalogue(rows))
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "catalogue.csv").open("w", encoding="utf-8", newline="") as fh:
        columns = ["code", "一级目录", "二级目录", "目录", "说明", "国标"]
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(numbered)
    return len(numbered)
