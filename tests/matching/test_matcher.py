import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from matching.candidate_index import build_index
from matching.catalogue_stopwords import catalogue_stopwords
from matching.explain import fit_checks, fit_score
from matching.matcher import (
    MatchWeights,
    candidate_parts,
    failed_check_summary,
    rank_needs_for_technology,
    rank_technologies_for_need,
)
from matching.profiles import TRANSFER_MODES, NeedProfile, TechnologyProfile

TODAY = date(2026, 6, 1)


def tech(id, title, text, **fields):
    return TechnologyProfile(id, title, text, **fields)


@pytest.fixture()
def catalogue():
    return [
        tech(
            1,
            "钠离子电池正极材料",
            "低成本层状氧化物钠离子电池正极材料的制备与储能应用",
            area="A01.03",
            trl=6,
            price_min=50,
            price_max=80,
            transfer_modes=frozenset({"license"}),
        ),
        tech(
            2,
            "分布式光伏",
            "工商业屋顶分布式光伏发电系统设计与并网",
            area="A01.01",
            trl=8,
            price_min=200,
            transfer_modes=frozenset({"assignment"}),
        ),
        tech(3, "工业锅炉余热回收", "燃煤工业锅炉烟气余热回收与节能改造", area="A01.07", trl=7),
        tech(
            4,
            "燃煤电厂碳捕集",
            "燃煤电厂烟气二氧化碳胺法捕集与封存",
            area="A04.02",
            trl=5,
            expires_at=TODAY - timedelta(days=1),
        ),
    ]


def test_best_match_first_with_explanation(catalogue):
    need = NeedProfile(
        "n1",
        "储能电池材料",
        "寻求低成本的钠离子电池正极材料，用于储能电站",
        area="A01.03",
        min_trl=5,
        budget_max=100,
        transfer_modes=frozenset({"license", "equity"}),
    )
    results = rank_technologies_for_need(need, catalogue, today=TODAY)
    top = results[0]
    assert top.technology_id == 1 and top.need_id == "n1"
    assert {"钠离子电池", "正极材料"} <= set(top.explanation.terms)
    assert top.explanation.area.startswith("同一领域")
    assert [c.name for c in top.explanation.checks] == ["trl", "price", "transfer_mode", "expiry"]
    assert all(c.passed for c in top.explanation.checks)
    assert "6" in top.explanation.checks[0].detail and "5" in top.explanation.checks[0].detail
    item = top.to_api("technology")
    assert item["technology"] == {"id": 1, "title": "钠离子电池正极材料"}
    assert set(item["parts"]) == {"semantic", "lexical", "taxonomy", "fit"}
    assert set(item["explanation"]) >= {"terms", "area", "checks"}
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_failed_checks_exclude_and_are_named(catalogue):
    need = NeedProfile(
        "n2", "光伏", "屋顶光伏发电", min_trl=9, budget_max=10, transfer_modes=frozenset({"equity"})
    )
    assert rank_technologies_for_need(need, catalogue, today=TODAY) == []
    summary = {c.name: c.detail for c in failed_check_summary(need, catalogue, today=TODAY)}
    assert {"trl", "price", "transfer_mode", "expiry"} <= set(summary)
    assert summary["trl"].startswith("技术成熟度：4 / 4")
    shown = rank_technologies_for_need(need, catalogue, today=TODAY, require_fit=False)
    assert shown and shown[0].technology_id == 2
    failed = {c.name for c in shown[0].explanation.checks if c.passed is False}
    assert failed == {"trl", "price", "transfer_mode"}


def test_expired_technology_is_not_offered(catalogue):
    need = NeedProfile("n3", "碳捕集", "电厂烟气二氧化碳捕集")
    ids = [r.technology_id for r in rank_technologies_for_need(need, catalogue, today=TODAY)]
    assert 4 not in ids


def test_short_empty_and_english_texts(catalogue):
    empty = NeedProfile("e", "", "")
    assert rank_technologies_for_need(empty, catalogue, today=TODAY) == []
    short = rank_technologies_for_need(NeedProfile("s", "", "光伏"), catalogue, today=TODAY)
    assert short[0].technology_id == 2 and short[0].confidence < 0.5
    assert short[0].explanation.notes
    mixed = catalogue + [
        tech(5, "PV inverter", "High-efficiency solar PV inverter for rooftop arrays")
    ]
    english = rank_technologies_for_need(
        NeedProfile("en", "", "solar inverter for rooftop PV"), mixed, today=TODAY
    )
    assert english[0].technology_id == 5


def test_identical_duplicates_rank_together_in_input_order(catalogue):
    duplicate = tech(9, catalogue[1].title, catalogue[1].text, area="A01.01", trl=8)
    results = rank_technologies_for_need(
        NeedProfile("d", "", "分布式光伏发电并网"), [*catalogue, duplicate], today=TODAY
    )
    assert [r.technology_id for r in results[:2]] == [2, 9]
    assert results[0].score == pytest.approx(results[1].score, abs=0.02)


def test_needs_for_a_technology(catalogue):
    needs = [
        NeedProfile("a", "储能", "储能电站需要钠离子电池", min_trl=5),
        NeedProfile("b", "污水", "城镇污水处理厂提标改造"),
        NeedProfile("c", "过期", "钠离子电池储能", deadline=TODAY - timedelta(days=3)),
    ]
    results = rank_needs_for_technology(catalogue[0], needs, today=TODAY)
    assert [r.need_id for r in results] == ["a"]
    assert results[0].to_api("need")["need"] == {"id": "a", "title": "储能"}


def test_vectors_drive_the_semantic_part():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(40, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    technologies = [tech(i, f"t{i}", "", vector=vectors[i]) for i in range(40)]
    need = NeedProfile("v", "", "", vector=vectors[17])
    results = rank_technologies_for_need(
        need, technologies, today=TODAY, weights=MatchWeights(semantic=1, lexical=0)
    )
    assert results[0].technology_id == 17 and results[0].parts.semantic == pytest.approx(1.0)


def test_vectorised_fit_agrees_with_the_explained_checks():
    rng = np.random.default_rng(7)

    def maybe(value):
        return value if rng.random() < 0.7 else None

    def modes():
        return frozenset(m for m in TRANSFER_MODES if rng.random() < 0.3)

    technologies = [
        tech(
            i,
            "",
            "光伏",
            trl=maybe(int(rng.integers(1, 10))),
            price_min=maybe(float(rng.integers(0, 100))),
            transfer_modes=modes(),
            expires_at=maybe(TODAY + timedelta(days=int(rng.integers(-5, 5)))),
        )
        for i in range(200)
    ]
    index = build_index(technologies)
    for _ in range(10):
        need = NeedProfile(
            "q",
            "",
            "光伏",
            min_trl=maybe(int(rng.integers(1, 10))),
            budget_max=maybe(float(rng.integers(0, 100))),
            transfer_modes=modes(),
            deadline=maybe(TODAY + timedelta(days=int(rng.integers(-2, 5)))),
        )
        parts = candidate_parts(need, index, today=TODAY)
        for i, technology in enumerate(technologies):
            checks = fit_checks(technology, need, TODAY)
            assert parts.fit.values[i] == pytest.approx(fit_score(checks))
            assert bool(parts.fit.failed[i]) == any(c.passed is False for c in checks)


def test_prebuilt_index_over_many_candidates_is_sorted():
    technologies = [tech(i, "", f"光伏 储能 {i % 7} 电池" * (1 + i % 3)) for i in range(2000)]
    index = build_index(technologies)
    results = rank_technologies_for_need(NeedProfile("m", "", "光伏储能电池"), index, limit=10)
    assert len(results) == 10
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_shared_terms_leave_out_words_common_to_the_catalogue():
    assert {"产品", "要求", "技术"} <= catalogue_stopwords()
    technology = TechnologyProfile("t1", "储能电池产品", "储能电池产品，满足技术要求。")
    need = NeedProfile("n1", "储能电池采购", "采购储能电池产品，要求技术成熟。")
    terms = rank_technologies_for_need(need, [technology])[0].explanation.terms
    assert "储能电池" in terms and not {"产品", "要求", "技术"} & set(terms)


DEMO = Path(__file__).resolve().parents[2] / "seed_data" / "demo"


def demo_listings(file_name: str) -> list[dict]:
    with (DEMO / file_name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def demo_technology(item: dict) -> TechnologyProfile:
    """A demo catalogue item as the portal profiles it (title, four texts, keywords)."""
    fields = ("summary", "description", "advantages", "application_scenarios")
    text = " ".join(item[f] for f in fields if item.get(f))
    return TechnologyProfile(item["title"], item["title"], text, terms=item.get("keywords") or [])


@pytest.fixture(scope="module")
def footprint_case() -> tuple[NeedProfile, list[TechnologyProfile]]:
    """The demo need for product carbon-footprint labels against the whole demo catalogue (412
    items, so BM25's term weights are the portal's): the 3 MW and 5 MW wind turbines share only
    产品碳足迹 with it."""
    need = next(n for n in demo_listings("needs.jsonl") if n["title"] == "运动用品碳足迹标签")
    items = demo_listings("technologies.jsonl") + demo_listings("products.jsonl")
    catalogue = [demo_technology(item) for item in items]
    return NeedProfile("footprint", need["title"], need["description"]), catalogue


def test_one_shared_term_is_not_a_full_lexical_match(footprint_case):
    need, catalogue = footprint_case
    index = build_index(catalogue)
    parts = candidate_parts(need, index)
    turbines = [i for i, t in enumerate(catalogue) if "风力发电机组" in t.title]
    best_only = parts.lexical(MatchWeights(lexical_floor=0.0))
    assert all(best_only[i] == pytest.approx(1.0) for i in turbines)  # the old normalization
    lexical = parts.lexical(MatchWeights())
    assert all(lexical[i] < 0.7 for i in turbines)
    assert parts.word.own > parts.word.best > 0 and parts.char.own > parts.char.best > 0

