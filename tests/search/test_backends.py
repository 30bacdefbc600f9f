"""One suite for every backend: same data, same questions, same answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.analysis import query_terms
from search.backend import VECTOR_CANDIDATES, RankedBackend
from search.documents import (
    IndexOfAnotherDatabase,
    InvalidSearchRequest,
    SearchDocument,
    SearchQuery,
    UnknownFilter,
)
from search.embedded import EmbeddedBackend
from search.hybrid import lexical_weight, weighted_rank_fusion
from tests.search.conftest import BACKEND_KINDS, open_backend

CATALOGUE = [
    SearchDocument(
        "technology",
        1,
        "屋顶分布式太阳能发电系统",
        "面向工业园区厂房屋顶的太阳能发电系统，组件效率高，支持智能运维。",
        {"area": "A01", "trl": 8, "transfer_modes": ["license", "equity"], "status": "published"},
    ),
    SearchDocument(
        "technology",
        2,
        "钠离子电池储能系统",
        "低成本钠离子电池用于电网侧储能，循环寿命长，适合源网荷储一体化项目。",
        {"area": "A01", "trl": 6, "transfer_modes": ["joint_development"], "status": "published"},
    ),
    SearchDocument(
        "technology",
        3,
        "燃煤电厂烟气二氧化碳捕集装置",
        "化学吸收法捕集燃煤电厂烟气中的二氧化碳，可与驱油封存结合，属于碳捕集利用与封存技术。",
        {"area": "A04", "trl": 5, "transfer_modes": ["license"], "status": "published"},
    ),
    SearchDocument(
        "technology",
        4,
        "光伏建筑一体化幕墙",
        "将光伏组件与建筑幕墙结合的光伏建筑一体化产品，兼顾发电与采光。",
        {
            "area": "A03",
            "trl": 9,
            "transfer_modes": ["assignment"],
            "status": "published",
            "kind": "product",
        },
    ),
    SearchDocument(
        "need",
        5,
        "寻求厂区光伏电站清洗机器人",
        "我司光伏电站面积较大，需要自动清洗组件的机器人，提升发电量。",
        {"area": "A01", "status": "published"},
    ),
    SearchDocument(
        "organization",
        6,
        "厦门某新能源科技有限公司",
        "专注氢燃料电池电堆与储氢系统研发的高新技术企业。",
        {"org_kind": "enterprise", "district": "思明区", "carbon_type": "zero"},
    ),
]


@pytest.fixture
def loaded(backend: RankedBackend) -> RankedBackend:
    """The catalogue in a backend of the test's own, for the tests that change it."""
    backend.bulk_index(CATALOGUE)
    return backend


@pytest.fixture(scope="module", params=BACKEND_KINDS)
def searched(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RankedBackend]:
    """The catalogue in one backend per kind for the tests that only search it (loading it into
    Elasticsearch took two seconds a test)."""
    with open_backend(request.param, tmp_path_factory.mktemp("searched")) as store:
        store.bulk_index(CATALOGUE)
        yield store


def keys(result) -> list[tuple[str, int]]:
    return [(hit.doc_type, hit.doc_id) for hit in result.hits]


def test_chinese_query_finds_the_right_document_first(searched):
    result = searched.search(SearchQuery("钠离子电池", mode="lexical"))
    assert keys(result)[0] == ("technology", 2)
    assert result.backend == searched.name


def test_synonym_finds_the_other_wording(searched):
    # 光伏 and 太阳能发电 are one synonym group: document 1 never says 光伏.
    found = keys(searched.search(SearchQuery("光伏", mode="lexical", per_page=10)))
    assert ("technology", 1) in found and ("technology", 4) in found
    assert ("technology", 3) in keys(searched.search(SearchQuery("CCUS", mode="lexical")))


def test_filters_narrow_by_type_facet_and_trl_range(searched):
    by_type = searched.search(SearchQuery("光伏", doc_types=("need",)))
    assert keys(by_type) == [("need", 5)]
    by_mode = searched.search(SearchQuery("", filters={"transfer_modes": ["license"]}))
    assert sorted(keys(by_mode)) == [("technology", 1), ("technology", 3)]
    by_trl = searched.search(SearchQuery("", trl_min=6, trl_max=8))
    assert sorted(keys(by_trl)) == [("technology", 1), ("technology", 2)]


def test_facets_count_the_matching_documents(searched):
    result = searched.search(SearchQuery("", doc_types=("technology",)))
    assert result.total == 4
    assert result.facets["area"] == {"A01": 2, "A03": 1, "A04": 1}
    assert result.facets["transfer_modes"]["license"] == 2
    assert result.facets["doc_type"] == {"technology": 4}


def test_snippet_marks_terms_and_escapes_markup(backend):
    backend.index(SearchDocument("need", 9, "储能需求", "需要<b>储能</b>电站 & 调峰"))
    hit = backend.search(SearchQuery("储能", mode="lexical")).hits[0]
    assert hit.snippet == "需要&lt;b&gt;<mark>储能</mark>&lt;/b&gt;电站 &amp; 调峰"


def test_delete_removes_and_update_replaces(loaded):
    loaded.delete("technology", 2)
    assert ("technology", 2) not in keys(loaded.search(SearchQuery("钠离子电池")))
    assert loaded.count("technology") == 3
    loaded.delete("technology", 2)  # deleting twice is harmless

    loaded.index(SearchDocument("technology", 1, "风力发电机叶片回收", "退役风电叶片再制造。"))
    assert keys(loaded.search(SearchQuery("叶片", mode="lexical"))) == [("technology", 1)]
    assert ("technology", 1) not in keys(loaded.search(SearchQuery("屋顶", mode="lexical")))
    assert loaded.count("technology") == 3


def test_pagination_walks_all_results_once(searched):
    seen = []
    for page in (1, 2, 3):
        seen += keys(searched.search(SearchQuery("", per_page=2, page=page)))
    assert len(seen) == len(set(seen)) == 6
    assert seen[0] == ("organization", 6)  # browsing lists the newest first


def test_page_beyond_the_end_is_empty_not_an_error(searched):
    result = searched.search(SearchQuery("光伏", page=50))
    assert result.hits == [] and result.total > 0


@pytest.mark.parametrize("mode", ["lexical", "vector", "hybrid"])
def test_every_mode_ranks_the_obvious_match_first(searched, mode):
    result = searched.search(SearchQuery("钠离子电池储能", mode=mode))
    assert keys(result)[0] == ("technology", 2)


@pytest.mark.parametrize(
    "text", ["光伏", "我们厂区屋顶面积很大，电费占成本三成，想装一套自己发电的系统并且能智能运维"]
)
def test_hybrid_fuses_the_lexical_and_vector_rankings_with_the_share_of_its_length(searched, text):
    def ranked(mode):
        return keys(searched.search(SearchQuery(text, mode=mode, per_page=VECTOR_CANDIDATES)))

    share = lexical_weight(len(query_terms(text).words))
    fused = [key for key, _ in weighted_rank_fusion(ranked("lexical"), ranked("vector"), share)]
    assert ranked("hybrid") == fused[:VECTOR_CANDIDATES]


def test_reindex_replaces_a_type(loaded):
    loaded.reindex("technology", [SearchDocument("technology", 7, "热泵余热回收", "工业余热。")])
    assert loaded.count("technology") == 1
    assert loaded.count("need") == 1
    assert keys(loaded.search(SearchQuery("热泵", mode="lexical"))) == [("technology", 7)]


def test_suggest_completes_titles_and_terms(searched):
    suggestions = searched.suggest("钠")
    assert "钠离子电池储能系统" in suggestions and "钠离子电池" in suggestions


def test_did_you_mean_on_a_near_miss(searched):
    result = searched.search(SearchQuery("钠离子电地", mode="lexical", doc_types=("need",)))
    assert result.total == 0
    assert result.did_you_mean == "钠离子电池"


# --- hostile input ----------------------------------------------------------------------------


def test_empty_query_browses(searched):
    assert searched.search(SearchQuery("   ")).total == len(CATALOGUE)


def test_very_long_query_is_trimmed_and_answered(searched):
    result = searched.search(SearchQuery("钠离子电池" * 2000))
    assert keys(result)[0] == ("technology", 2)


@pytest.mark.parametrize("text", ["！？。，……", "😀🔥🚀"])
def test_punctuation_or_emoji_only_finds_nothing(searched, text):
    result = searched.search(SearchQuery(text))
    assert (result.total, result.hits) == (0, [])


def test_whitespace_only_browses(searched):
    assert searched.search(SearchQuery("   \t\n")).total == len(CATALOGUE)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('"', None),
        ("*", None),  # a wildcard would find everything
        ("光伏 OR", ("need", 5)),
        ("title_words:光伏", ("need", 5)),
        ("(储能", ("technology", 2)),
        ('NEAR("a" "b")', None),
        ("光伏*", ("need", 5)),
        ("AND NOT -", None),
    ],
)
def test_query_syntax_is_matched_as_text_never_parsed(searched, text, found):
    result = searched.search(SearchQuery(text, mode="lexical"))
    if found is None:
        assert (result.total, result.hits) == (0, [])
    else:
        assert found in keys(result)


def test_unknown_filter_field_or_value_is_a_specific_error():
    with pytest.raises(UnknownFilter):
        SearchQuery("光伏", filters={"colour": ["red"]})
    with pytest.raises(UnknownFilter):
        SearchQuery("光伏", filters={"transfer_modes": ["gift"]})
    with pytest.raises(UnknownFilter):
        SearchQuery("光伏", trl_min=12)
    with pytest.raises(InvalidSearchRequest):
        SearchQuery("光伏", doc_types=("planet",))
    assert issubclass(UnknownFilter, ValueError)


def test_an_embedded_index_opens_only_for_the_database_it_was_built_from(tmp_path) -> None:
    path = tmp_path / "owned.sqlite3"
    EmbeddedBackend(path, database="sqlite:////data/a.sqlite3").close()
    with pytest.raises(IndexOfAnotherDatabase):
        EmbeddedBackend(path, database="sqlite:////data/b.sqlite3")
    again = EmbeddedBackend(path, database="sqlite:////data/a.sqlite3")
    assert again.database == "sqlite:////data/a.sqlite3"
    again.close()
    unchecked = EmbeddedBackend(path)  # a scratch index (evaluation, benchmarks) checks nothing
    assert unchecked.database == "sqlite:////data/a.sqlite3"
    unchecked.close()
