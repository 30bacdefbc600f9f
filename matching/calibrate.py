"""Calibrate ``MatchWeights`` on the calibration halves of the labeled sets, never the test halves.

The grid varies the semantic weight (the lexical weight takes the rest of the text share), the
share of character BM25 within the lexical part, whether the lexical query is expanded with
the problem vocabulary, and the lexical floor (the share of the query's own BM25 that a best
candidate must reach to get the full lexical part); taxonomy and fit keep their weights (the
labeled sets carry no terms of trade, and their areas are not used). The objective is mean
nDCG@10 over the sets (each set counts once, whatever its size), ties broken by mean MRR. The
recommendation threshold is then chosen on the same calibration needs: the text score (semantic
and lexical parts only) that best separates relevant from irrelevant items among each need's
top 10 (F1 on grade >= 1).

    python -m matching.calibrate [FILE ...] [--model MODEL]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from embeddings.loading import load_embedder
from embeddings.protocol import TextEmbedder
from matching.evaluate import (
    RANKING_HEADER,
    RELEVANT,
    LabeledPairs,
    RankingMetrics,
    format_table,
    read_labeled_pairs,
)
from matching.evaluations import PairsRanker
from matching.fit_texts import bundled_fit_texts
from matching.matcher import DEFAULT_WEIGHTS, MatchWeights

SEMANTIC_GRID = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
CHAR_SHARE_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
LEXICAL_FLOOR_GRID = (0.0, 0.1, 0.2, 0.3, 0.5)
_SEED_MATCHING = Path(__file__).resolve().parent.parent / "seed_data" / "matching"
LABELED_SETS = (_SEED_MATCHING / "labeled_pairs.csv", _SEED_MATCHING / "problem_pairs.csv")
CALIBRATION = "calibration"


@dataclass(frozen=True)
class CalibrationResult:
    weights: MatchWeights
    metrics: list[RankingMetrics]  # per set, on its calibration half
    tried: int
    threshold_f1: float = 0.0


def _objective(metrics: Sequence[RankingMetrics]) -> tuple[float, float]:
    n = max(len(metrics), 1)
    return (
        round(sum(m.ndcg_at_10 for m in metrics) / n, 6),
        round(sum(m.mrr for m in metrics) / n, 6),
    )


def weight_grid(base: MatchWeights = DEFAULT_WEIGHTS) -> list[MatchWeights]:
    text_weight = base.semantic + base.lexical  # what semantic and lexical share between them
    return [
        replace(
            base,
            semantic=semantic,
            lexical=round(text_weight - semantic, 3),
            char_share=char_share,
            expand_query=expand,
            lexical_floor=floor,
        )
        for semantic in SEMANTIC_GRID
        for char_share in CHAR_SHARE_GRID
        for expand in (False, True)
        for floor in LEXICAL_FLOOR_GRID
    ]


def text_scores(ranker: PairsRanker, need_id: str, weights: MatchWeights) -> np.ndarray:
    """Semantic and lexical parts only: what the recommendation threshold is compared with."""
    parts = ranker.parts(need_id, weights)
    return weights.text_score(parts.semantic, parts.lexical(weights))


def choose_threshold(
    rankers: Sequence[PairsRanker], weights: MatchWeights, split: str = CALIBRATION
) -> tuple[float, float]:
    """(threshold, F1): among each need's top 10 by the hybrid, the text score above which an item
    counts as a recommendation, chosen for the best F1 on grade >= 1 items."""
    scored: list[tuple[float, bool]] = []
    for ranker in rankers:
        half: LabeledPairs = ranker.pairs.half(split)
        position = {tid: i for i, tid in enumerate(ranker.ids)}
        for need_id, grades in half.relevance.items():
            text = text_scores(ranker, need_id, weights)
            for tid in ranker.ranked(need_id, weights)[:10]:
                scored.append((float(text[position[tid]]), grades.get(tid, 0) >= RELEVANT))
    positives = sum(relevant for _, relevant in scored)
    best = (0.0, 0.0)
    for threshold in sorted({round(score, 3) for score, _ in scored}):
        kept = [relevant for score, relevant in scored if score >= threshold]
        true_positives = sum(kept)
        if not kept or not true_positives:
            continue
        precision, recall = true_positives / len(kept), true_positives / positives
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best[1]:
            best = (threshold, f1)
    return best


def calibrate_rankers(
    rankers: Sequence[PairsRanker], base: MatchWeights = DEFAULT_WEIGHTS
) -> CalibrationResult:
    """Best weighting on the calibration halves of ``rankers``, then its threshold."""
    results = []
    for weights in weight_grid(base):
        metrics = [ranker.metrics("hybrid", weights, CALIBRATION) for ranker in rankers]
        results.append((weights, metrics))
    weights, metrics = max(results, key=lambda item: _objective(item[1]))
    threshold, f1 = choose_threshold(rankers, weights)
    return CalibrationResult(replace(weights, recommend_min=threshold), metrics, len(results), f1)


def calibrate_weights(
    paths: Sequence[Path], embedder: TextEmbedder, base: MatchWeights = DEFAULT_WEIGHTS
) -> CalibrationResult:
    return calibrate_rankers([PairsRanker(read_labeled_pairs(p), embedder) for p in paths], base)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=list(LABELED_SETS))
    parser.add_argument("--model", default="instance/models/multilingual-e5-small")
    args = parser.parse_args(argv)
    embedder = load_embedder(
        args.model, Path("instance/cache/embeddings.sqlite"), bundled_fit_texts
    )
    result = calibrate_weights(args.paths, embedder)
    print(f"{result.tried} weightings tried; best: {result.weights}")
    print(format_table(RANKING_HEADER, [m.row() for m in result.metrics]))


if __name__ == "__main__":
    main()
