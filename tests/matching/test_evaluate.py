import csv
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
from matching.expansion import QueryExpansion, problem_vocabulary
from matching.overlap import char_bigram_overlap, shared_content_words

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


PROBLEM_PAIRS = PAIRS.with_name("problem_pairs.csv")


def test_both_sets_are_split_once_by_need_into_halves():
    for path, needs in ((PAIRS, 40), (PROBLEM_PAIRS, 100)):
        pairs = read_labeled_pairs(path)
        assert len(pairs.splits) == needs
        calibration, test = pairs.half("calibration"), pairs.half("test")
        assert len(calibration.needs) == len(test.needs) == needs // 2
        assert not set(calibration.relevance) & set(test.relevance)
        assert calibration.technologies == test.technologies == pairs.technologies
        assert pairs.half(None) is pairs


def test_problem_voiced_set_is_graded_against_the_demo_catalogue_with_little_shared_wording():
    pairs = read_labeled_pairs(PROBLEM_PAIRS)
    assert len(pairs.technologies) == 282 + 130
    assert all(2 in grades.values() for grades in pairs.relevance.values())
    with PROBLEM_PAIRS.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["need_id"]]
    assert len({r["plan_area"] for r in rows}) >= 20
    overlaps = [float(r["char_bigram_overlap"]) for r in rows if r["relevance"] == "2"]
    assert sum(overlaps) / len(overlaps) < 0.15
    for row in rows[:20]:  # the stored overlap is the measure's, not typed by hand
        measured = char_bigram_overlap(row["need_text"], row["technology_text"])
        assert float(row["char_bigram_overlap"]) == pytest.approx(measured, abs=5e-4)


def test_character_bigram_overlap():
    assert char_bigram_overlap("光伏板积灰", "光伏组件清洗") == pytest.approx(1 / 4)
    assert char_bigram_overlap("abc", "光伏") == 0.0
    shared = shared_content_words("污泥干化设备", "市政污泥干化技术")
    assert "污泥" in shared and "设备" not in shared


def test_expansion_adds_technology_terms_for_problem_words_only():
    vocabulary = QueryExpansion((("积灰", ("清洗", "清扫")), ("污泥", ("干化",))))
    assert vocabulary.expand("屋顶组件积灰严重") == "屋顶组件积灰严重 清洗 清扫"
    assert vocabulary.expand("没有相关问题") == "没有相关问题"
    assert problem_vocabulary().terms_for("电站面板积灰") == ["清洗", "清扫", "除尘"]


@pytest.mark.model
def test_hybrid_beats_semantic_alone_on_both_test_halves(e5_embedder):
    for path in (PAIRS, PROBLEM_PAIRS):
        rows = {row.method: row for row in evaluate_matching(path, e5_embedder, split="test")}
        semantic = rows[f"semantic ({e5_embedder.name})"]
        hybrid = rows["hybrid + expansion"]
        assert hybrid.ndcg_at_10 > semantic.ndcg_at_10
        assert hybrid.mrr > semantic.mrr
