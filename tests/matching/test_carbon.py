import csv

import pytest

from embeddings.fallback import LexicalEmbedder
from matching.carbon import CarbonClassification, CarbonClassifier, classify_organization
from matching.carbon_data import (
    AREA_LABELED_FILE,
    CARBON_TYPES,
    LABELED_FILE,
    TEST,
    TRAIN,
    labeled_examples,
    labeled_set,
    labeled_split,
)
from matching.evaluations import (
    evaluate_area_on_labeled,
    evaluate_carbon,
    evaluate_carbon_leave_one_out,
)
from matching.taxonomy import plan_areas


@pytest.fixture(scope="module")
def rules_only():
    return CarbonClassifier()


@pytest.mark.parametrize(
    ("text", "expected", "term"),
    [
        ("燃煤电厂烟气二氧化碳捕集与地质封存示范", "negative", "地质封存"),
        ("红树林与海草床蓝碳增汇技术", "negative", "蓝碳"),
        ("工商业屋顶分布式光伏与储能系统", "zero", "光伏"),
        ("Green hydrogen from solar power", "zero", "solar"),
        ("工业锅炉余热回收节能改造", "low", "余热回收"),
        ("废旧动力电池回收再制造", "low", "再制造"),
        ("中药复方治疗高血压的临床观察", "none", None),
    ],
)
def test_rule_layer_types_and_reasons(rules_only, text, expected, term):
    result = rules_only.classify(text)
    assert result.carbon_type == expected
    assert 0 < result.confidence <= 1
    if term:
        assert any(term in reason for reason in result.reasons)
    assert result.reasons[-1].startswith("结论")


def test_plan_field_is_a_reason(rules_only):
    result = rules_only.classify("一种新型材料", plan_area="A04.02")
    assert result.carbon_type == "negative"
    assert any("A04.02" in reason for reason in result.reasons)


def test_empty_text_is_none_with_zero_confidence(rules_only):
    result = rules_only.classify("   ")
    assert (result.carbon_type, result.confidence) == ("none", 0.0)


def test_learned_layer_names_the_nearest_example():
    embedder = LexicalEmbedder(["光伏发电", "风力发电", "污水处理", "森林碳汇"])
    result = CarbonClassifier(embedder).classify("风力发电机组")
    assert any(reason.startswith("示例：最相近") for reason in result.reasons)
    # the regression beside the neighbours names its verdict too
    assert any(reason.startswith("示例：按全部") and "概率" in reason for reason in result.reasons)


def test_organization_follows_its_typed_items():
    items = [
        CarbonClassification("zero", 0.7),
        CarbonClassification("none", 0.9),
        CarbonClassification("low", 0.4),
    ]
    org = classify_organization(items, description=CarbonClassification("zero", 0.5))
    assert org.carbon_type == "zero"
    assert "零碳 2 项" in org.reasons[0]
    assert classify_organization([CarbonClassification("none", 0.8)]).carbon_type == "none"
    assert classify_organization([]).confidence == 0.0


def test_subject_names_what_a_product_is(rules_only):
    # a PV module whose green-design highlight is its recyclable glass is still 零碳
    result = rules_only.classify("双玻组件 光伏组件：玻璃可再生利用率≥98%，包装可回收利用率≥95%")
    assert result.carbon_type == "zero"
    assert any("名称命中零碳关键词 光伏组件" in reason for reason in result.reasons)


def test_the_split_is_fixed_and_keeps_groups_together():
    rows = labeled_set()
    assert {row.split for row in rows} == {TRAIN, TEST}
    with LABELED_FILE.open(encoding="utf-8") as handle:
        groups = [(r["group"], r["split"]) for r in csv.DictReader(handle)]
    sides: dict[str, set[str]] = {}
    for group, split in groups:
        sides.setdefault(group, set()).add(split)
    assert all(len(s) == 1 for s in sides.values())  # shared wording never straddles the split
    for label in CARBON_TYPES:
        texts = [row for row in rows if row.label == label]
        train = sum(row.split == TRAIN for row in texts)
        assert len(texts) >= 30 and 0.5 <= train / len(texts) <= 0.7
    assert sum(row.label == "negative" for row in rows) >= 60
    assert sum(row.label == "negative" and row.split == TEST for row in rows) >= 30
    train_texts = {row.text for row in rows if row.split == TRAIN}
    assert not train_texts & {row.text for row in rows if row.split == TEST}
    # the examples are exactly the train rows; the test rows never vote
    assert labeled_examples() == labeled_split(TRAIN)


def test_independent_area_set_is_plan_fields_on_texts_from_outside_the_plan():
    with AREA_LABELED_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["text", "area", "source", "ref"]
        rows = list(reader)
    fields = {area.code for area in plan_areas() if area.level == "field"}
    assert len(rows) >= 150
    assert all(row["text"].strip() and row["ref"] for row in rows)
    assert {row["area"] for row in rows} <= fields
    assert not {row["source"] for row in rows} & {"xiamen-plan", "xiamen-plan-text"}
    assert len({row["text"] for row in rows}) == len(rows)
    # none of them is one of the texts the older plan-field figure is measured on
    assert not {row["text"] for row in rows} & {row.text for row in labeled_set() if row.area}


def test_evaluation_runs_on_the_test_split_with_the_fallback_embedder():
    embedder = LexicalEmbedder([e.text for e in labeled_set()])
    report = evaluate_carbon(embedder)
    assert report.count == len(labeled_split(TEST))
    assert sum(map(sum, report.confusion)) == report.count
    assert set(report.recall()) == set(CARBON_TYPES)
    area = evaluate_area_on_labeled(None)
    assert area.count == sum(1 for row in labeled_set() if row.area) >= 150
    assert 0 < area.top1 <= area.top3 <= 1
    independent = evaluate_area_on_labeled(None, AREA_LABELED_FILE)
    assert independent.count >= 150
    assert 0 < independent.top1 <= independent.top3 <= 1
    assert independent.top1 <= independent.action_top1 <= 1
    # The set holds Chinese texts and English patents, reported apart and adding up.
    assert set(independent.by_script) == {"Chinese", "English"}
    assert sum(count for count, _, _ in independent.by_script.values()) == independent.count


def test_without_leaves_examples_out_and_keeps_their_vectors():
    examples = [e for e in labeled_examples()[:6]]
    embedder = LexicalEmbedder([e.text for e in examples])
    classifier = CarbonClassifier(embedder, examples=examples)
    held_out = classifier.without([0, 2])
    assert held_out.examples == [examples[i] for i in (1, 3, 4, 5)]
    assert held_out._example_vectors.shape[0] == 4
    assert len(classifier.examples) == 6  # the original is untouched


def _write_labeled(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "carbon_type", "group", "split"])
        writer.writerows(rows)
    return path


def test_leave_one_out_holds_out_each_group_and_reads_no_test_row(tmp_path):
    rows = [
        # two texts sharing their wording, no rule term in them: only each other can make them 低碳
        ("甲乙丙丁戊己庚辛壬癸之改进方案一", "low", "g1", "train"),
        ("甲乙丙丁戊己庚辛壬癸之改进方案二", "low", "g1", "train"),
        ("中药复方治疗高血压的临床观察", "none", "", "train"),
        ("古代诗词的意象研究", "none", "", "train"),
        ("城市历史街区的保护与更新", "none", "", "train"),
        ("红树林与海草床蓝碳增汇技术", "negative", "", "test"),
    ]
    embedder = LexicalEmbedder([text for text, *_ in rows])
    report = evaluate_carbon_leave_one_out(embedder, _write_labeled(tmp_path / "a.csv", rows))
    assert report.count == 5
    assert "negative" not in report.labels  # the test row is neither measured nor an example
    assert report.recall() == {"low": 0.0, "none": 1.0}
    # the same texts without their group: each one's mate votes, as a test text's never could
    ungrouped = [(text, label, "", split) for text, label, _, split in rows]
    leaky = evaluate_carbon_leave_one_out(embedder, _write_labeled(tmp_path / "b.csv", ungrouped))
    assert leaky.recall()["low"] == 1.0
    with pytest.raises(ValueError, match="train"):
        evaluate_carbon_leave_one_out(embedder, AREA_LABELED_FILE)
