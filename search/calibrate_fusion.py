"""Choose how the hybrid fusion's lexical share falls with query length, on calibration halves.

The grid varies the four numbers of ``search.hybrid.lexical_weight`` (the share up to a short
query's length, at least the even 0.5, the share from a long query's length on, and the two
lengths); each candidate is
scored on the calibration half of every task of ``search.evaluate`` (CSL titles and keywords,
odd papers; problem-voiced needs, their calibration half): mean MRR over the tasks (each task
counts once, whatever its size), ties broken by mean Recall@10. The test halves are not looked at.

    python -m search.calibrate_fusion [--model MODEL] [--limit N] [--elasticsearch URL]

Pass ``--elasticsearch``: the embedded backend's nearest neighbours are wrong for the second set
(indexed over the first into the same type), see search/README.md.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from embeddings.loading import load_embedder
from search.backend import RankedBackend
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend
from search.evaluate import RankedLists, collect_lists, load_csl_papers, recall_and_mrr

SHARE_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
SHORT_WORDS_GRID = (4, 6, 8, 10, 12)
LONG_WORDS_GRID = (12, 16, 20, 24, 32)
CALIBRATION = "calibration"
EVEN_SHARE = 0.5  # plain reciprocal rank fusion


@dataclass(frozen=True)
class FusionSetting:
    short_share: float
    long_share: float
    short_words: int
    long_words: int

    def lexical_weight(self, words: int) -> float:
        """The same shape as ``search.hybrid.lexical_weight``, with this setting's numbers."""
        if words <= self.short_words:
            return self.short_share
        if words >= self.long_words:
            return self.long_share
        position = (words - self.short_words) / (self.long_words - self.short_words)
        return self.short_share + position * (self.long_share - self.short_share)


def settings() -> list[FusionSetting]:
    return [
        FusionSetting(short, long, short_words, long_words)
        for short in SHARE_GRID
        if short >= EVEN_SHARE  # keyword queries are never led by the vectors
        for long in SHARE_GRID
        for short_words in SHORT_WORDS_GRID
        for long_words in LONG_WORDS_GRID
        if long_words > short_words
    ]


def _fused(item: RankedLists, share: float, memo: dict[tuple[int, float], list[int]]) -> list[int]:
    key = (id(item), round(share, 3))
    if key not in memo:
        memo[key] = item.hybrid(lambda _words: share)
    return memo[key]


def objective(
    setting: FusionSetting,
    lists: Mapping[str, Sequence[RankedLists]],
    memo: dict[tuple[int, float], list[int]],
    k: int = 10,
) -> tuple[float, float]:
    """(mean MRR, mean Recall@k) over the tasks."""
    mrrs, recalls = [], []
    for items in lists.values():
        ranked = [_fused(item, setting.lexical_weight(item.words), memo) for item in items]
        recall, mrr = recall_and_mrr(ranked, [item.query.relevant for item in items], k)
        mrrs.append(mrr)
        recalls.append(recall)
    return round(sum(mrrs) / len(mrrs), 6), round(sum(recalls) / len(recalls), 6)


def choose_setting(
    lists: Mapping[str, Sequence[RankedLists]],
) -> tuple[FusionSetting, tuple[float, float]]:
    """The best setting on ``lists`` (pass calibration halves only)."""
    memo: dict[tuple[int, float], list[int]] = {}
    score: Callable[[FusionSetting], tuple[float, float]] = partial(
        objective, lists=lists, memo=memo
    )
    best = max(settings(), key=score)
    return best, score(best)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="instance/models/multilingual-e5-small")
    parser.add_argument("--limit", type=int, help="Use only the first N CSL papers.")
    parser.add_argument("--elasticsearch", metavar="URL", help="Rank on Elasticsearch at URL.")
    args = parser.parse_args(argv)
    embedder = load_embedder(args.model, Path("instance/cache/embeddings.sqlite"), None)
    papers = load_csl_papers()[: args.limit] if args.limit else load_csl_papers()
    with tempfile.TemporaryDirectory() as scratch:
        backend: RankedBackend = (
            ElasticsearchBackend(args.elasticsearch, embedder, index_prefix="calibrate-fusion-")
            if args.elasticsearch
            else EmbeddedBackend(Path(scratch) / "calibrate.sqlite3", embedder)
        )
        try:
            lists = collect_lists(backend, papers, split=CALIBRATION)
        finally:
            if isinstance(backend, ElasticsearchBackend):
                backend.drop_all()
            backend.close()
    even = FusionSetting(EVEN_SHARE, EVEN_SHARE, 8, 24)
    print(f"plain RRF: MRR / Recall@10 {objective(even, lists, {})}")
    setting, score = choose_setting(lists)
    print(f"best of {len(settings())}: {setting}, MRR / Recall@10 {score}")


if __name__ == "__main__":
    main()
