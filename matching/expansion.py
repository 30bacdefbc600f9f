"""Query expansion for the lexical side: problem words -> the words offers use for the answer.

Firms describe the problem (积灰, 跑泥, 电池组温度过高); offers name the method (清洗, 颗粒污泥,
热管理). ``seed_data/matching/problem_terms.csv`` maps the first to the second; a query that
contains a problem phrase gets its technology terms appended before BM25 sees it. The semantic
side keeps the need's own text: the embedding model already relates the two vocabularies.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROBLEM_TERMS_FILE = (
    Path(__file__).resolve().parent.parent / "seed_data" / "matching" / "problem_terms.csv"
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class QueryExpansion:
    entries: tuple[tuple[str, tuple[str, ...]], ...]  # (problem phrase, technology terms)

    def terms_for(self, text: str) -> list[str]:
        """Technology terms of every problem phrase that occurs in ``text``, in file order."""
        folded = _fold(text)
        terms = [t for phrase, targets in self.entries if phrase in folded for t in targets]
        return list(dict.fromkeys(terms))

    def expand(self, text: str) -> str:
        terms = self.terms_for(text)
        return f"{text} {' '.join(terms)}" if terms else text


def read_expansion(path: Path) -> QueryExpansion:
    """Columns ``problem, technology_terms`` (space-separated), ``source``."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        entries = tuple(
            (_fold(row["problem"].strip()), tuple(_fold(row["technology_terms"]).split()))
            for row in csv.DictReader(handle)
            if row["problem"].strip() and row["technology_terms"].strip()
        )
    return QueryExpansion(entries)


@cache
def problem_vocabulary() -> QueryExpansion:
    """The bundled problem-to-technology vocabulary (read once)."""
    return read_expansion(PROBLEM_TERMS_FILE)
