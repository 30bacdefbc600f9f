"""The search backend interface, and the ranking logic every backend shares.

A backend implements a few primitives (lexical ranking, vector ranking, counting and faceting a
set of documents, fetching stored text); ``RankedBackend.search`` composes them the same way for
every backend, so the embedded and Elasticsearch backends rank, fuse, page, facet and highlight
identically.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import chain, islice
from typing import Protocol

import numpy as np

from search.analysis import IndexedText, QueryTerms, index_text, query_terms
from search.documents import SearchDocument, SearchHit, SearchQuery, SearchResult
from search.hybrid import reciprocal_rank_fusion
from search.snippets import highlight
from search.tokenize import domain_terms, normalize
from search.vectors import TextVectorizer

DocKey = tuple[str, int]
BatchWriter = Callable[[Sequence[SearchDocument], Sequence[IndexedText], bool], None]

# How many documents each side of a hybrid search contributes before fusion (at least one page).
VECTOR_CANDIDATES = 100
# A text search counts and facets its best FACET_WINDOW lexical matches plus the vector
# neighbours, not every document that shares a character bigram with the query: counting the
# whole matched set cost more than the ranking itself (at 10k documents, a title's bigrams match
# most of them). Below the window the count is exact; at the window it is a lower bound and the
# result says so (``SearchResult.total_exact``), like Elasticsearch's ``track_total_hits``.
FACET_WINDOW = 1000
BULK_BATCH = 1000


class SearchBackend(Protocol):
    """What the portal and matching call; both backends provide it."""

    name: str

    def index(self, doc: SearchDocument) -> None: ...

    def bulk_index(self, docs: Iterable[SearchDocument]) -> int: ...

    def delete(self, doc_type: str, doc_id: int) -> None: ...

    def search(
        self, query: SearchQuery, query_vector: np.ndarray | None = None
    ) -> SearchResult: ...

    def suggest(self, prefix: str, limit: int = 10) -> list[str]: ...

    def count(self, doc_type: str) -> int: ...

    def health(self) -> bool: ...

    def recreate(self, doc_type: str) -> None: ...

    def reindex(self, doc_type: str, docs: Iterable[SearchDocument]) -> int: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Candidate:
    """A ranked document with its facet values, so results can be faceted without another pass."""

    key: DocKey
    score: float
    facets: tuple[tuple[str, str], ...] = ()  # (field, value) pairs; lists give one pair each


def count_facets(candidates: Iterable[Candidate]) -> dict[str, dict[str, int]]:
    """Documents per facet value (and per ``doc_type``) among ``candidates``."""
    candidates = list(candidates)
    # Counting (field, value) pairs in one Counter keeps the loop in C.
    pairs = Counter(chain.from_iterable(candidate.facets for candidate in candidates))
    pairs.update(("doc_type", candidate.key[0]) for candidate in candidates)
    counts: dict[str, dict[str, int]] = {}
    for (field, value), count in pairs.items():
        counts.setdefault(field, {})[value] = count
    return counts


@dataclass(frozen=True)
class StoredText:
    title: str
    body: str


def batched(items: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class RankedBackend(ABC):
    """Search composed from backend primitives; subclasses store and retrieve."""

    name: str

    def __init__(self, vectorizer: TextVectorizer | None, min_similarity: float) -> None:
        self.vectorizer = vectorizer
        self.min_similarity = min_similarity

    # --- primitives -------------------------------------------------------------------------

    @abstractmethod
    def _write_batch(
        self, docs: Sequence[SearchDocument], texts: Sequence[IndexedText], last: bool
    ) -> None:
        """Store ``docs`` (each with its vector, when there is a vectorizer) and their token
        fields ``texts``, replacing old ones; ``last`` is the final batch of a bulk write."""

    @abstractmethod
    def _lexical(self, query: SearchQuery, terms: QueryTerms, limit: int) -> list[Candidate]:
        """The ``limit`` best BM25 matches that pass the filters, best first."""

    @abstractmethod
    def _nearest(self, query: SearchQuery, vector: np.ndarray, limit: int) -> list[Candidate]:
        """The ``limit`` nearest documents by cosine that pass the filters, best first."""

    @abstractmethod
    def _browse(self, query: SearchQuery, limit: int) -> list[DocKey]:
        """Documents that pass the filters, newest (highest id) first."""

    @abstractmethod
    def _browse_total_and_facets(self, query: SearchQuery) -> tuple[int, dict[str, dict[str, int]]]:
        """Count and facet every document that passes the filters (browsing, exact)."""

    @abstractmethod
    def _stored_text(self, keys: Sequence[DocKey]) -> dict[DocKey, StoredText]: ...

    @abstractmethod
    def suggest(self, prefix: str, limit: int = 10) -> list[str]: ...

    @abstractmethod
    def recreate(self, doc_type: str) -> None: ...

    # --- writes ---------------------------------------------------------------------------

    def _with_vectors(self, docs: list[SearchDocument]) -> list[SearchDocument]:
        missing = [doc for doc in docs if doc.vector is None]
        if self.vectorizer is None or not missing:
            return docs
        vectors = self.vectorizer.embed_documents([f"{doc.title}\n{doc.body}" for doc in missing])
        embedded = {doc.key: vector for doc, vector in zip(missing, vectors, strict=True)}
        return [
            replace(doc, vector=embedded[doc.key]) if doc.key in embedded else doc for doc in docs
        ]

    def index(self, doc: SearchDocument) -> None:
        self.bulk_index([doc])

    def bulk_index(self, docs: Iterable[SearchDocument]) -> int:
        return self._write_pipelined(docs, self._write_batch)

    def _write_pipelined(self, docs: Iterable[SearchDocument], write: BatchWriter) -> int:
        """Write ``docs`` in batches, tokenizing (and embedding) each batch while the one before
        it is written: SQLite and HTTP calls release the GIL, so on two cores the two overlap."""
        written = 0
        batches = batched(docs, BULK_BATCH)
        batch = next(batches, None)
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending: Future[None] | None = None
            while batch is not None:
                ready = self._with_vectors(batch)
                texts = [index_text(doc) for doc in ready]
                following = next(batches, None)
                if pending is not None:
                    pending.result()
                pending = writer.submit(write, ready, texts, following is None)
                written += len(ready)
                batch = following
            if pending is not None:
                pending.result()
        return written

    def reindex(self, doc_type: str, docs: Iterable[SearchDocument]) -> int:
        """Replace every document of ``doc_type`` with ``docs``."""
        self.recreate(doc_type)
        return self.bulk_index(docs)

    # --- search ---------------------------------------------------------------------------

    def _query_vector(self, query: SearchQuery, given: np.ndarray | None) -> np.ndarray | None:
        if given is not None:
            return given
        if self.vectorizer is None:
            return None
        return self.vectorizer.embed_query(query.text)

    def search(self, query: SearchQuery, query_vector: np.ndarray | None = None) -> SearchResult:
        window = query.offset + query.per_page
        if not query.text:
            total, facets = self._browse_total_and_facets(query)
            keys = self._browse(query, window)[query.offset :]
            return self._result(query, [(key, 0.0) for key in keys], total, facets, None)

        terms = query_terms(query.text)
        fused = max(window, VECTOR_CANDIDATES)
        lexical_limit = max(window, FACET_WINDOW)
        lexical: list[Candidate] = []
        nearest: list[Candidate] = []
        if query.mode in ("lexical", "hybrid") and not terms.is_empty:
            lexical = self._lexical(query, terms, lexical_limit)
        vector = self._query_vector(query, query_vector) if query.mode != "lexical" else None
        if vector is not None and np.any(vector):
            nearest = [
                candidate
                for candidate in self._nearest(query, vector, fused)
                if candidate.score >= self.min_similarity
            ]

        if query.mode == "lexical":
            ranked = [(c.key, c.score) for c in lexical]
        elif query.mode == "vector":
            ranked = [(c.key, c.score) for c in nearest]
        else:
            ranked = reciprocal_rank_fusion(
                [[c.key for c in lexical[:fused]], [c.key for c in nearest]]
            )
        if not ranked:
            return self._result(query, [], 0, {}, terms)
        matched = {c.key: c for c in (*lexical, *nearest)}
        return self._result(
            query,
            ranked[query.offset : window],
            len(matched),
            count_facets(matched.values()),
            terms,
            total_exact=len(lexical) < lexical_limit,
        )

    def _result(
        self,
        query: SearchQuery,
        ranked: list[tuple[DocKey, float]],
        total: int,
        facets: dict[str, dict[str, int]],
        terms: QueryTerms | None,
        total_exact: bool = True,
    ) -> SearchResult:
        stored = self._stored_text([key for key, _ in ranked])
        marks = terms.highlight_terms if terms else ()
        hits = [
            SearchHit(
                doc_type=key[0],
                doc_id=key[1],
                title=stored[key].title,
                snippet=highlight(stored[key].body or stored[key].title, marks),
                score=round(float(score), 6),
            )
            for key, score in ranked
            if key in stored
        ]
        did_you_mean = self._did_you_mean(query.text) if query.text and total == 0 else None
        return SearchResult(hits, total, facets, self.name, did_you_mean, total_exact)

    def _did_you_mean(self, text: str) -> str | None:
        wanted = normalize(text)
        candidates = [*domain_terms(), *(normalize(t) for t in self.suggest(wanted[:1], 50))]
        close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.5)
        return close[0] if close and close[0] != wanted else None
