"""The approximate vector index of the embedded backend: it finds what the exact scan finds,
follows writes and deletes, and is persisted beside the index."""

from __future__ import annotations

import numpy as np

from search import embedded as embedded_module
from search.documents import SearchDocument, SearchQuery
from search.embedded import EmbeddedBackend
from search.vectors import HashedNgramVectorizer

COUNT, DIM = 3000, 256


def area(position: int) -> str:
    return "A02" if position % 3 == 0 else "A01"  # two documents in three are in A01


def random_unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.standard_normal((count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def nearest_ids(
    store: EmbeddedBackend, vector: np.ndarray, k: int = 10, filters: dict | None = None
) -> list[int]:
    query = SearchQuery("向量", filters=filters or {}, mode="vector", per_page=k)
    return [hit.doc_id for hit in store.search(query, query_vector=vector).hits]


def test_approximate_neighbours_match_the_exact_scan_and_follow_deletes(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_module, "ANN_THRESHOLD", 1000)
    rng = np.random.default_rng(7)
    vectors = random_unit_vectors(rng, COUNT)
    store = EmbeddedBackend(tmp_path / "s.sqlite3", HashedNgramVectorizer(DIM), min_similarity=-1)
    docs = [
        SearchDocument("technology", i + 1, f"样品{i}", "储能", {"area": area(i)}, vectors[i])
        for i in range(COUNT)
    ]
    store.bulk_index(docs)
    saved = list(tmp_path.glob("s.vectors.ann-*.usearch"))
    assert len(saved) == 1

    def no_exact_scan(*_args):
        raise AssertionError("the exact scan answered, not the approximate index")

    # Past the threshold, unfiltered neighbours come from the approximate index alone.
    monkeypatch.setattr(EmbeddedBackend, "_exact_nearest", no_exact_scan)
    queries = random_unit_vectors(rng, 50)
    exact = [list(np.argsort(-(vectors @ q), kind="stable")[:10] + 1) for q in queries]
    found = [nearest_ids(store, q) for q in queries]
    recall = np.mean([len(set(e) & set(f)) / 10 for e, f in zip(exact, found, strict=True)])
    assert recall >= 0.95
    # A filter that leaves most rows: the graph is asked for more, and only A01 comes back.
    in_a01 = np.array([area(i) == "A01" for i in range(COUNT)])
    for q in queries[:10]:
        scores = np.where(in_a01, vectors @ q, -np.inf)
        wanted = set(np.argsort(-scores, kind="stable")[:10] + 1)
        got = nearest_ids(store, q, filters={"area": ["A01"]})
        assert all(area(doc_id - 1) == "A01" for doc_id in got)
        assert len(wanted & set(got)) >= 8

    # Deleted documents never come back; a new one is found at once, also by another process
    # that opens the saved index.
    for doc_id in exact[0][:5]:
        store.delete("technology", int(doc_id))
    store.index(SearchDocument("technology", COUNT + 1, "新样品", "储能", {}, queries[1]))
    again = nearest_ids(store, queries[0])
    assert len(again) == 10 and not set(again) & set(exact[0][:5])
    assert nearest_ids(store, queries[1])[0] == COUNT + 1
    other = EmbeddedBackend(tmp_path / "s.sqlite3", HashedNgramVectorizer(DIM), min_similarity=-1)
    assert nearest_ids(other, queries[0]) == again
    assert nearest_ids(other, queries[1])[0] == COUNT + 1
    assert len(list(tmp_path.glob("s.vectors.ann-*.usearch"))) == 1  # older versions removed
    other.close()
    store.close()
