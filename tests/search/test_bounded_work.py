"""What keeps a search cheap at scale: bounded facet counting, pruned query terms, caches that
follow the index, batched writes. Each test checks the answer stays right, not only fast."""

from __future__ import annotations

import pytest

from search import backend as backend_module
from search import embedded as embedded_module
from search.backend import RankedBackend
from search.documents import SearchDocument, SearchQuery
from search.embedded import EmbeddedBackend
from search.vectors import HashedNgramVectorizer

STORAGE = [
    SearchDocument(
        "technology",
        number,
        f"储能电站方案{number}",
        f"第{number}号储能电站，配套调峰与调频服务。",
        {"area": "A01" if number % 2 else "A02", "trl": number % 9 + 1},
    )
    for number in range(1, 9)
]


def keys(result) -> list[tuple[str, int]]:
    return [(hit.doc_type, hit.doc_id) for hit in result.hits]


def test_counts_are_exact_below_the_facet_window(backend: RankedBackend):
    backend.bulk_index(STORAGE)
    result = backend.search(SearchQuery("储能", mode="lexical"))
    assert result.total == 8 and result.total_exact
    assert result.facets["area"] == {"A01": 4, "A02": 4}


def test_counts_cover_the_best_matches_past_the_facet_window(backend, monkeypatch):
    backend.bulk_index(STORAGE)
    monkeypatch.setattr(backend_module, "FACET_WINDOW", 3)
    result = backend.search(SearchQuery("储能", mode="lexical", per_page=2))
    assert len(result.hits) == 2
    assert result.total == 3 and not result.total_exact
    assert sum(result.facets["area"].values()) == 3
    assert result.facets["doc_type"] == {"technology": 3}
    # A page past the window still comes back: the window only bounds counting, not paging.
    assert len(keys(backend.search(SearchQuery("储能", mode="lexical", per_page=4, page=2)))) == 4


def test_browsing_counts_exactly_whatever_the_window(backend, monkeypatch):
    backend.bulk_index(STORAGE)
    monkeypatch.setattr(backend_module, "FACET_WINDOW", 3)
    result = backend.search(SearchQuery(""))
    assert result.total == 8 and result.total_exact


def test_batches_replace_documents_and_the_last_copy_wins(backend, monkeypatch):
    monkeypatch.setattr(backend, "bulk_batch", 3)
    renamed = SearchDocument("technology", 2, "氢燃料电池热电联供", "氢能热电联供系统。")
    assert backend.bulk_index([*STORAGE, renamed]) == 9
    assert backend.count("technology") == 8
    assert keys(backend.search(SearchQuery("热电联供", mode="lexical"))) == [("technology", 2)]
    backend.bulk_index(STORAGE)  # everything again: rows are reused, not duplicated
    assert backend.count("technology") == 8
    for doc in STORAGE:
        found = backend.search(SearchQuery(doc.body, mode="vector", per_page=1))
        assert keys(found) == [doc.key]


def test_commonest_terms_are_left_out_past_the_postings_budget(tmp_path, monkeypatch):
    store = EmbeddedBackend(tmp_path / "s.sqlite3")
    rare = SearchDocument("technology", 99, "钙钛矿叠层组件", "储能电站配套钙钛矿叠层光伏组件。")
    store.bulk_index([*STORAGE, rare])
    full = store.search(SearchQuery("钙钛矿储能", mode="lexical"))
    assert full.total == 9  # 储能 matches every document

    monkeypatch.setattr(embedded_module, "POSTINGS_BUDGET", 4)
    pruned = store.search(SearchQuery("钙钛矿储能", mode="lexical"))
    assert keys(pruned) == [("technology", 99)] and pruned.total == 1
    # Highlighting still marks every query term, pruned or not.
    assert "<mark>储能</mark>" in pruned.hits[0].snippet
    store.close()


def test_a_second_process_sees_writes_through_its_caches(tmp_path):
    path = tmp_path / "shared.sqlite3"
    writer = EmbeddedBackend(path, HashedNgramVectorizer())
    reader = EmbeddedBackend(path, HashedNgramVectorizer())
    writer.bulk_index(STORAGE[:4])
    assert reader.search(SearchQuery("")).total == 4
    assert len(reader.search(SearchQuery("储能电站", mode="vector")).hits) == 4

    writer.bulk_index(STORAGE[4:])
    writer.delete("technology", 1)
    assert reader.search(SearchQuery("")).total == 7
    found = keys(reader.search(SearchQuery("储能电站", mode="vector")))
    assert len(found) == 7 and ("technology", 1) not in found
    writer.close()
    reader.close()


@pytest.mark.parametrize("mode", ["vector", "hybrid"])
def test_vector_side_applies_type_and_facet_filters(backend, mode):
    backend.bulk_index([*STORAGE, SearchDocument("need", 50, "寻求储能电站", "需要储能电站。")])
    result = backend.search(
        SearchQuery("储能电站", mode=mode, doc_types=("technology",), filters={"area": ["A02"]})
    )
    assert sorted(keys(result)) == [("technology", n) for n in (2, 4, 6, 8)]
    by_trl = backend.search(SearchQuery("储能电站", mode=mode, trl_min=2, trl_max=3))
    assert sorted(keys(by_trl)) == [("technology", 1), ("technology", 2)]


def test_hybrid_counts_a_document_found_by_both_sides_once(backend: RankedBackend):
    backend.bulk_index(STORAGE)
    result = backend.search(SearchQuery("储能电站", mode="hybrid"))
    assert len(result.hits) == 8
    assert result.total == 8 and result.total_exact
    assert result.facets["area"] == {"A01": 4, "A02": 4}
    assert result.facets["doc_type"] == {"technology": 8}
    assert result.facets["trl"] == {str(level): 1 for level in range(2, 10)}


def test_a_reindex_of_many_batches_keeps_every_document(backend, monkeypatch):
    monkeypatch.setattr(backend_module, "BULK_BATCH", 2)
    assert backend.reindex("technology", STORAGE) == 8
    assert backend.count("technology") == 8
    result = backend.search(SearchQuery("储能", mode="lexical"))
    assert sorted(keys(result)) == [doc.key for doc in STORAGE]
    for doc in STORAGE:
        found = backend.search(SearchQuery(doc.body, mode="vector", per_page=1))
        assert keys(found) == [doc.key]
