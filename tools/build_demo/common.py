"""Helpers the builders share: sentence splitting, source-list labels, item shape, writers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

# ---------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------

# Sentence ends: Chinese stops, and an ASCII full stop that is not a decimal point
# (the CSL abstracts use "." as their sentence separator).
SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[^\d.]\.)(?=\D|$)")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def clean_list_text(text: str) -> str:
    """Undo the source CSV's parsing artefacts: a literal 'nan' glued to cell ends."""
    return re.sub(r"(nan)+$", "", text.strip()).strip()


def sentences_with(text: str, cues: Iterable[str], limit: int = 2) -> str:
    cue_list = tuple(cues)
    picked = [s for s in split_sentences(text) if any(c in s for c in cue_list)]
    return "".join(picked[:limit])


MIIT = "工业和信息化部"


def batch_label(batch: str) -> str:
    return f"{batch}年度" if len(batch) == 4 else f"第{batch}批"


def is_xiamen(region: str, name: str) -> bool:
    return region == "厦门" or "厦门" in name


# ---------------------------------------------------------------------------
# Catalogue items shared by technologies and products
# ---------------------------------------------------------------------------

def catalogue_item(kind: str, **fields: object) -> dict[str, object]:
    item: dict[str, object] = {"demo": True, "kind": kind}
    item.update(fields)
    return item


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_jsonl(path: Path, items: Iterable[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
