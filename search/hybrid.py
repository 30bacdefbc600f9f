"""Reciprocal rank fusion of ranked lists (Cormack et al., 2009), done in Python.

Elasticsearch's RRF retriever needs a paid licence, and fusing here gives both backends the same
ranking from the same two lists.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Key]], k: int = RRF_K
) -> list[tuple[Key, float]]:
    """Keys of all ``rankings`` by the sum of 1 / (k + rank), best first (stable on ties)."""
    scores: dict[Key, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
