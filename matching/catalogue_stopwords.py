"""Words that say nothing about a match in this catalogue: they occur in too many of its texts
(研究, 产品, 要求, 技术 ...). The shared-terms explanation leaves them out.

The list is data (``seed_data/matching/catalogue_stopwords.txt``), derived by document frequency
with ``frequent_words`` and written by ``seed_data/matching/build_catalogue_stopwords.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from search.tokenize import tokenize

STOPWORDS_FILE = (
    Path(__file__).resolve().parent.parent / "seed_data" / "matching" / "catalogue_stopwords.txt"
)
MIN_DOCUMENT_SHARE = 0.06  # in 6 % or more of the catalogue's texts: no evidence of a match


def frequent_words(
    texts: Iterable[str], min_share: float = MIN_DOCUMENT_SHARE
) -> list[tuple[str, int]]:
    """(word, document frequency) of the words in at least ``min_share`` of ``texts``, most
    frequent first."""
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        count += 1
        frequency.update({word for word in tokenize(text) if len(word) >= 2})
    floor = min_share * count
    return [(w, n) for w, n in frequency.most_common() if n >= floor and count]


@cache
def catalogue_stopwords() -> frozenset[str]:
    if not STOPWORDS_FILE.exists():
        return frozenset()
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line and not line.startswith("#"))
