"""Calibrate ``MatchWeights`` by grid search on a labeled offer/need set.

The grid varies the semantic weight and the share of character BM25 within the lexical part;
taxonomy and fit keep their weights (the labeled set carries no areas, prices or dates, so
they cannot be fitted on it). The objective is mean nDCG@10, ties broken by MRR.

    python -m matching.calibrate seed_data/matching/labeled_pairs.csv [MODEL]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from embeddings.loading import load_embedder
from embeddings.protocol import TextEmbedder
from matching.evaluate import RANKING_HEADER, RankingMetrics, format_table, read_labeled_pairs
from matching.evaluations import PairsRanker
from matching.fit_texts import bundled_fit_texts
from matching.matcher import DEFAULT_WEIGHTS, MatchWeights

SEMANTIC_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
CHAR_SHARE_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(frozen=True)
class CalibrationResult:
    weights: MatchWeights
    metrics: RankingMetrics
    tried: int


def _objective(metrics: RankingMetrics) -> tuple[float, float]:
    return round(metrics.ndcg_at_10, 6), round(metrics.mrr, 6)


def calibrate_weights(
    path: Path, embedder: TextEmbedder, base: MatchWeights = DEFAULT_WEIGHTS
) -> CalibrationResult:
    ranker = PairsRanker(read_labeled_pairs(path), embedder)
    text_weight = base.semantic + base.lexical  # what semantic and lexical share between them
    results = []
    for semantic in SEMANTIC_GRID:
        for char_share in CHAR_SHARE_GRID:
            weights = MatchWeights(
                semantic=semantic,
                lexical=round(text_weight - semantic, 3),
                taxonomy=base.taxonomy,
                fit=base.fit,
                char_share=char_share,
            )
            results.append((weights, ranker.metrics("hybrid", weights)))
    weights, metrics = max(results, key=lambda item: _objective(item[1]))
    return CalibrationResult(weights, metrics, len(results))


def main(argv: list[str]) -> None:
    path = Path(argv[0])
    model = argv[1] if len(argv) > 1 else "instance/models/multilingual-e5-small"
    embedder = load_embedder(model, Path("instance/cache/embeddings.sqlite"), bundled_fit_texts)
    result = calibrate_weights(path, embedder)
    print(f"{result.tried} weightings tried; best: {result.weights}")
    print(format_table(RANKING_HEADER, [result.metrics.row()]))


if __name__ == "__main__":
    main(sys.argv[1:])
