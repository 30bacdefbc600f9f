import pytest

from matching.area import AreaClassifier, _EnglishTerms
from matching.evaluations import evaluate_area_on_catalogue
from matching.taxonomy import green_catalogue_rows, plan_areas, split_code


@pytest.fixture(scope="module")
def classifier():
    return AreaClassifier()


def test_seed_taxonomies_are_present():
    assert any(a.level == "field" for a in plan_areas())
    assert len(green_catalogue_rows()) > 200


def test_suggests_plan_fields_and_catalogue_categories(classifier):
    candidates = classifier.suggest("工商业屋顶分布式光伏发电与储能系统集成")
    plan = [c for c in candidates if c.taxonomy == "plan"]
    green = [c for c in candidates if c.taxonomy == "green-industry-2019"]
    assert len(plan) == 3 and len(green) == 3
    assert plan[0].code == "A01.01"
    assert green[0].code.startswith("3.")
    assert all(0 < c.score <= 1 for c in candidates)
    assert [c.score for c in plan] == sorted((c.score for c in plan), reverse=True)


def test_ccus_text(classifier):
    assert classifier.suggest("燃煤电厂二氧化碳捕集利用与封存")[0].code == "A04.02"


def test_empty_text_has_no_candidates(classifier):
    assert classifier.suggest("") == []


def test_split_code():
    assert split_code("1.1高效节能装备制造") == ("1.1", "高效节能装备制造")
    assert split_code("1. 节能环保产业") == ("1", "节能环保产业")


def test_catalogue_rows_classify_their_own_categories_lexically():
    level2, level1 = evaluate_area_on_catalogue(None)
    assert level2.count == len(green_catalogue_rows())
    # each row is left out of the index; measured without an embedder: see matching/README.md
    assert level1.accuracy >= 0.6 and level2.accuracy >= 0.4


def test_an_english_text_finds_its_field_without_an_embedder(classifier):
    # the field's English terms and description: no Chinese word in the text
    text = "Shore power supply for berthed ships at a container terminal"
    assert classifier.suggest(text)[0].code == "A03.05"
    assert classifier.plan_fields_of([text, "今天天气不错"])[0].code == "A03.05"


def test_english_terms_count_as_whole_words_with_their_plurals():
    terms = _EnglishTerms([["port", "lithium-ion battery"], ["ship"]])
    assert terms.hits("we support the relationship") == [0, 0]
    assert terms.hits("ports and lithium ion batteries; a lithium-ion battery") == [2, 0]
    assert terms.hits("ships") == [0, 1]
