"""Consistency checks for the files under seed_data/ that the portal loads."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[3] / "seed_data"
TRANSFER_MODES = {"license", "assignment", "joint_development", "equity", "service"}
ORG_KINDS = {"university", "institute", "agency", "enterprise"}
DISTRICTS = {"思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区"}
ORG_FIELDS = {"name", "kind", "district", "industry", "description", "website", "credit_code",
              "source"}
ITEM_FIELDS = {"demo", "kind", "title", "summary", "description", "keywords", "owner", "area",
               "trl", "ip_status", "transfer_modes", "price_min", "price_max", "advantages",
               "application_scenarios", "maturity_evidence", "source"}
NEED_FIELDS = {"demo", "generated", "title", "description", "area", "min_trl", "budget_min",
               "budget_max", "transfer_modes", "deadline", "region", "owner"}
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[a-z]+;")


def read_json(relative: str) -> list[dict]:
    return json.loads((SEED / relative).read_text(encoding="utf-8"))


def read_jsonl(relative: str) -> list[dict]:
    with (SEED / relative).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_csv(relative: str) -> list[dict[str, str]]:
    with (SEED / relative).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def taxonomy() -> list[dict]:
    return read_json("taxonomy/plan.json")


@pytest.fixture(scope="module")
def area_codes(taxonomy: list[dict]) -> set[str]:
    return {area["code"] for area in taxonomy}


@pytest.fixture(scope="module")
def organizations() -> list[dict]:
    return read_json("orgs/organizations.json")


@pytest.fixture(scope="module")
def product_firms() -> list[dict]:
    return read_json("orgs/product_firms.json")


@pytest.fixture(scope="module")
def technologies() -> list[dict]:
    return read_jsonl("demo/technologies.jsonl")


@pytest.fixture(scope="module")
def products() -> list[dict]:
    return read_jsonl("demo/products.jsonl")


@pytest.fixture(scope="module")
def needs() -> list[dict]:
    return read_jsonl("demo/needs.jsonl")


# --- taxonomy --------------------------------------------------------------


def test_taxonomy_codes_are_unique_and_sorted(taxonomy: list[dict]) -> None:
    codes = [area["code"] for area in taxonomy]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_taxonomy_has_the_ten_actions(taxonomy: list[dict]) -> None:
    actions = [a for a in taxonomy if a["level"] == "action"]
    assert [a["code"] for a in actions] == [f"A{n:02d}" for n in range(1, 11)]
    assert all(a["parent"] is None for a in actions)
    assert actions[0]["name"] == "能源绿色低碳转型科技支撑行动"


def test_taxonomy_fields_hang_under_existing_actions(taxonomy: list[dict]) -> None:
    actions = {a["code"] for a in taxonomy if a["level"] == "action"}
    fields = [a for a in taxonomy if a["level"] == "field"]
    assert len(fields) >= 20
    for field in fields:
        assert field["parent"] in actions, field["code"]
        assert re.fullmatch(rf"{field['parent']}\.\d\d", field["code"]), field["code"]


def test_taxonomy_entries_are_complete(taxonomy: list[dict]) -> None:
    for area in taxonomy:
        assert area["level"] in {"action", "field"}
        assert area["name"] and area["name_en"] and area["description"], area["code"]
        assert area["column"] is None or re.fullmatch(r"专栏\d+", area["column"])
        assert 10 <= len(area["terms"]) <= 30, area["code"]
        assert len(set(area["terms"])) == len(area["terms"]), area["code"]
        assert area["carbon_type"] in {"negative", "zero", "low", None}


def test_taxonomy_fields_are_translated(taxonomy: list[dict]) -> None:
    # English texts (patents) are matched to the fields by these
    for field in (a for a in taxonomy if a["level"] == "field"):
        english = [field["description_en"], *field["terms_en"]]
        assert all(text and not re.search(r"[\u4e00-\u9fff]", text) for text in english)
        assert len(set(field["terms_en"])) == len(field["terms_en"]) >= 10, field["code"]


def test_taxonomy_carbon_types_follow_the_design(taxonomy: list[dict]) -> None:
    by_name = {area["name"]: area["carbon_type"] for area in taxonomy}
    assert by_name["CCUS 技术"] == "negative"
    assert by_name["碳汇核算与监测技术"] == "negative"
    assert by_name["新能源发电技术"] == "zero"
    assert by_name["储能技术"] == "zero"
    assert by_name["节能技术"] == "low"
    assert by_name["资源循环利用与再制造"] == "low"


# --- 绿色产业指导目录 ---------------------------------------------------------


def test_catalogue_codes_match_the_official_numbering() -> None:
    rows = read_csv("green_industry_2019/catalogue.csv")
    assert len(rows) == 211
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        assert row["目录"].startswith(row["code"]), row["code"]
        assert row["二级目录"].startswith(row["code"].rsplit(".", 1)[0])
        assert row["国标"] != "《）"


def test_mapping_covers_each_level2_entry_once(area_codes: set[str]) -> None:
    catalogue = read_csv("green_industry_2019/catalogue.csv")
    level2 = {row["code"].rsplit(".", 1)[0] for row in catalogue}
    mapping = read_csv("green_industry_2019/mapping.csv")
    assert sorted(row["level2_code"] for row in mapping) == sorted(level2)
    for row in mapping:
        assert row["plan_code"] == "" or row["plan_code"] in area_codes, row
    assert sum(1 for row in mapping if row["plan_code"]) >= 20


# --- organizations ---------------------------------------------------------


def check_organization(org: dict) -> None:
    assert set(org) == ORG_FIELDS, org["name"]
    assert org["kind"] in ORG_KINDS
    assert org["district"] is None or org["district"] in DISTRICTS
    assert org["credit_code"] is None, "credit codes are never invented"
    assert org["description"] and org["source"]


def test_organizations_are_complete_and_unique(organizations: list[dict],
                                                product_firms: list[dict]) -> None:
    assert 40 <= len(organizations) <= 80
    names = [o["name"] for o in organizations + product_firms]
    assert len(names) == len(set(names))
    for org in organizations + product_firms:
        check_organization(org)
    assert all(f["kind"] == "enterprise" for f in product_firms)


def test_plan_named_institutions_are_present(organizations: list[dict]) -> None:
    kinds = {o["name"]: o["kind"] for o in organizations}
    assert kinds["厦门大学"] == "university"
    assert kinds["中国科学院城市环境研究所"] == "institute"
    assert kinds["嘉庚创新实验室"] == "institute"


# --- demo catalogue and needs ----------------------------------------------


def check_catalogue_item(item: dict, kind: str, owners: set[str], area_codes: set[str]) -> None:
    assert set(item) >= ITEM_FIELDS, item["title"]
    assert item["demo"] is True and item["kind"] == kind
    assert item["title"] and item["summary"] and item["description"]
    assert item["owner"] in owners, item["owner"]
    assert item["area"] in area_codes, item["area"]
    assert 1 <= item["trl"] <= 9
    assert item["transfer_modes"] and set(item["transfer_modes"]) <= TRANSFER_MODES
    if item["price_min"] is not None:
        assert 0 < item["price_min"] <= item["price_max"]


def test_technologies(technologies: list[dict], organizations: list[dict],
                      area_codes: set[str]) -> None:
    research = {o["name"] for o in organizations if o["kind"] in {"university", "institute"}}
    assert len(technologies) >= 220
    for item in technologies:
        check_catalogue_item(item, "technology", research, area_codes)
        assert re.fullmatch(r"CSL dev line \d+", item["source"])
        assert item["description"].startswith(item["summary"])
    assert len({t["source"] for t in technologies}) == len(technologies)


def test_products(products: list[dict], organizations: list[dict], product_firms: list[dict],
                  area_codes: set[str]) -> None:
    owners = {o["name"] for o in organizations + product_firms if o["kind"] == "enterprise"}
    assert len(products) >= 100
    for item in products:
        check_catalogue_item(item, "product", owners, area_codes)
        assert "绿色设计产品名单" in item["source"]
        assert not item["description"].endswith("nan")


def test_needs(needs: list[dict], organizations: list[dict], area_codes: set[str]) -> None:
    enterprises = {o["name"] for o in organizations if o["kind"] == "enterprise"}
    assert len(needs) >= 100
    assert len({n["title"] for n in needs}) == len(needs)
    for need in needs:
        assert set(need) == NEED_FIELDS, need["title"]
        assert need["demo"] is True and need["generated"] is True
        assert need["owner"] in enterprises, need["owner"]
        assert need["area"] in area_codes
        assert 1 <= need["min_trl"] <= 9
        assert 0 < need["budget_min"] <= need["budget_max"]
        assert need["transfer_modes"] and set(need["transfer_modes"]) <= TRANSFER_MODES
        assert date.fromisoformat(need["deadline"]).year == 2027
        assert need["region"] == "厦门"


def test_paraphrase_pairs_name_existing_items(needs: list[dict], technologies: list[dict]) -> None:
    pairs = read_csv("demo/paraphrase_pairs.csv")
    assert len(pairs) >= 10
    need_titles = {n["title"] for n in needs}
    technology_titles = {t["title"] for t in technologies}
    for pair in pairs:
        assert pair["need_title"] in need_titles
        assert pair["technology_title"] in technology_titles
        assert pair["relevance"] == "2"


# --- all files ---------------------------------------------------------------


def strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from strings_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings_in(inner)


def test_no_text_field_contains_html(taxonomy: list[dict], organizations: list[dict],
                                     product_firms: list[dict], technologies: list[dict],
                                     products: list[dict], needs: list[dict]) -> None:
    catalogue = read_csv("green_industry_2019/catalogue.csv")
    for text in strings_in([taxonomy, organizations, product_firms, technologies, products,
                            needs, catalogue]):
        assert not HTML_TAG.search(text), text[:80]


@pytest.mark.parametrize("folder", ["taxonomy", "green_industry_2019", "orgs", "demo"])
def test_every_folder_says_where_its_content_comes_from(folder: str) -> None:
    assert (SEED / folder / "SOURCE.txt").read_text(encoding="utf-8").strip()
