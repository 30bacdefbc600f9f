"""Weighted reciprocal rank fusion of the lexical and the vector ranking, done in Python.

Reciprocal rank fusion (Cormack et al., 2009) sums 1 / (k + rank) over the lists; here each list's
terms are multiplied by its weight. Elasticsearch's RRF retriever needs a paid licence, and fusing
here gives both backends the same ranking from the same two lists.

The weight depends on the query's length in words: ``LEXICAL_WEIGHT_SHORT`` up to
``SHORT_QUERY_WORDS`` words, ``LEXICAL_WEIGHT_LONG`` from ``LONG_QUERY_WORDS`` on, linear between.
``search.calibrate_fusion`` chooses the four numbers on the calibration halves of the short (CSL
titles and keywords) and long (problem-voiced needs against the demo catalogue) query sets.
Measured on Elasticsearch (the embedded backend's vector side was not usable for the second
set, see search/README.md), the best setting on the calibration halves (BM25 share 0.99 up to 4
words, 0.3 from 24 words on) gained 0.003 mean MRR over the even share there, and lost on the test
halves (needs MRR 0.736 -> 0.718, keywords 1.000 -> 0.997). So both shares stay at the even 0.5,
plain reciprocal rank fusion, until a larger set shows a length effect; ``search.calibrate_fusion``
reruns the choice.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

RRF_K = 60
SHORT_QUERY_WORDS = 4
LONG_QUERY_WORDS = 24
LEXICAL_WEIGHT_SHORT = 0.5
LEXICAL_WEIGHT_LONG = 0.5


def lexical_weight(query_words: int) -> float:
    """Share of the lexical ranking in the fusion for a query of ``query_words`` words (the
    vector ranking gets the rest); 0.5 is plain reciprocal rank fusion."""
    if query_words <= SHORT_QUERY_WORDS:
        return LEXICAL_WEIGHT_SHORT
    if query_words >= LONG_QUERY_WORDS:
        return LEXICAL_WEIGHT_LONG
    position = (query_words - SHORT_QUERY_WORDS) / (LONG_QUERY_WORDS - SHORT_QUERY_WORDS)
    return LEXICAL_WEIGHT_SHORT + position * (LEXICAL_WEIGHT_LONG - LEXICAL_WEIGHT_SHORT)


def weighted_rank_fusion(
    lexical: Sequence[Key], vector: Sequence[Key], lexical_share: float, k: int = RRF_K
) -> list[tuple[Key, float]]:
    """Keys of both rankings by 2 ``lexical_share`` / (k + lexical rank) + 2 (1 - ``lexical_share``)
    / (k + vector rank), best first (stable on ties: lexical order, then vector order). The factor
    2 keeps the scores of an even share equal to plain reciprocal rank fusion's."""
    scores: dict[Key, float] = {}
    for ranking, share in ((lexical, lexical_share), (vector, 1.0 - lexical_share)):
        weight = 2.0 * share
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
