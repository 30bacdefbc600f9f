import math
from pathlib import Path

import pytest

from matching.carbon_data import LabeledText
from matching.evaluate import (
    evaluate_classifier,
    evaluate_ranker,
    format_table,
    macro_f1,
    ndcg_at_k,
    read_labeled_pairs,
    recall_at_k,
    reciprocal_rank,
)
from matching.evaluations import evaluate_matching

PAIRS = Path(__file__).resolve().parents[2] / "seed_data" / "matching" / "labeled_pairs.csv"


def test_ranking_metrics_by_hand():
    grades = {"a": 2, "b": 1, "c": 0}
    ranked = ["c", "b", "x", "a"]
    assert recall_at_k(ranked, grades, k=2) == 0.5
    assert reciprocal_rank(ranked, grades) == 0.5
    dcg = 1 / math.log2(3) + 3 / math.log2(5)
    ideal = 3 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(ranked, grades) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["a", "b"], grades) == pytest.approx(1.0)
    assert reciprocal_rank(["x"], grades) == 0.0


def test_classification_metrics_by_hand():
    items = [
        LabeledText(t, label, "", "")
        for t, label in [("1", "low"), ("2", "low"), ("3", "zero"), ("4", "none")]
    ]
    predictions = {"1": "low", "2": "zero", "3": "zero", "4": "none"}
    report = evaluate_classifier("t", items, predictions.__getitem__)
    assert report.accuracy == 0.75
    assert report.labels == ["low", "none", "zero"]
    assert report.confusion == [[1, 0, 1], [0, 1, 0], [0, 0, 1]]
    # F1: low 2/3, none 1, zero 2/3
    assert report.macro_f1 == pytest.approx((2 / 3 + 1 + 2 / 3) / 3)
    assert macro_f1([[0, 0], [0, 0]]) == 0.0
    assert "low" in format_table(["label", "low", "none", "zero"], report.table())


def test_shipped_pairs_and_a_perfect_ranker():
    pairs = read_labeled_pairs(PAIRS)
    assert len(pairs.needs) == 40 and len(pairs.technologies) > 300
    assert all(2 in grades.values() for grades in pairs.relevance.values())

    def oracle(need_id, _text):
        return sorted(pairs.relevance[need_id], key=lambda t: -pairs.relevance[need_id][t])

    metrics = evaluate_ranker("oracle", pairs, oracle)
    assert (metrics.recall_at_10, metrics.mrr, metrics.ndcg_at_10, metrics.top1) == (1, 1, 1, 1)


def test_bad_relevance_is_rejected(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text(
        "need_id,need_text,technology_id,technology_text,relevance\nn,x,t,y,3\n", encoding="utf-8"
    )
    with pytest.raises(ValueError):
        read_labeled_pairs(path)


@pytest.mark.model
def test_hybrid_beats_each_part_on_the_labeled_set(e5_embedder):
    rows = {row.method.split(" ")[0]: row for row in evaluate_matching(PAIRS, e5_embedder)}
    hybrid = rows.pop("hybrid")
    assert set(rows) == {"word", "char", "semantic"}
    for part in rows.values():
        assert hybrid.mrr > part.mrr
        assert hybrid.ndcg_at_10 > part.ndcg_at_10
        assert hybrid.top1 > part.top1
