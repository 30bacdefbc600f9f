"""The search backend interface, and the ranking logic every backend shares.

A backend implements a few primitives (lexical ranking, vector ranking, counting and faceting a
set of documents, fetching stored text); ``RankedBackend.search`` composes them the same way for
every backend, so the embedded and Elasticsearch backends rank, fuse, page, facet and highlight
identically.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from typing import Protocol

import numpy as np

from embeddings.protocol import TextEmbedder
from search.analysis import CharGrams, IndexedText, QueryTerms, index_text, query_terms
from search.documents import SearchDocument, SearchHit, SearchQuery, SearchResult
from search.hybrid import lexical_weight, weighted_rank_fusion
from search.snippets import highlight
from search.tokenize import char_ngrams_normalized, domain_terms, normalize

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
class Retrieved:
    """What a backend found for a text query, before fusion and paging."""

    lexical: list[tuple[DocKey, float]]  # best BM25 matches, best first
    nearest: list[tuple[DocKey, float]]  # nearest by cosine at or above min_similarity
    total: int  # documents in the best FACET_WINDOW lexical matches plus the nearest
    total_exact: bool  # False when there were more lexical matches than the window
    facets: dict[str, dict[str, int]]  # counted over the same documents as ``total``


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
    # The character tokens indexed (queries are matched to them by each backend).
    char_grams: CharGrams = staticmethod(char_ngrams_normalized)
    # Documents per batch of a bulk write (one ``_write_batch`` call each).
    bulk_batch: int = BULK_BATCH

    def __init__(self, vectorizer: TextEmbedder | None, min_similarity: float) -> None:
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
    def _retrieve(
        self,
        query: SearchQuery,
        terms: QueryTerms | None,
        vector: np.ndarray | None,
        limit: int,
    ) -> Retrieved:
        """The ``limit`` best BM25 matches of ``terms`` and the ``limit`` nearest neighbours of
        ``vector`` (each side skipped when None) that pass the filters, with the count and facets
        of the best ``max(limit, FACET_WINDOW)`` lexical matches together with the neighbours."""

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
        vectors = self.vectorizer.embed_documents([doc.embedded_text for doc in missing])
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
        batches = batched(docs, self.bulk_batch)
        batch = next(batches, None)
        with ThreadPoolExecutor(max_workers=1) as writer:
            pending: Future[None] | None = None
            while batch is not None:
                ready = self._with_vectors(batch)
                texts = [index_text(doc, self.char_grams) for doc in ready]
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
        limit = window if query.mode == "lexical" else max(window, VECTOR_CANDIDATES)
        lexical_terms = terms if query.mode != "vector" and not terms.is_empty else None
        vector = self._query_vector(query, query_vector) if query.mode != "lexical" else None
        if vector is not None and not np.any(vector):
            vector = None
        if lexical_terms is None and vector is None:
            return self._result(query, [], 0, {}, terms)
        found = self._retrieve(query, lexical_terms, vector, limit)

        if query.mode == "lexical":
            ranked = found.lexical
        elif query.mode == "vector":
            ranked = found.nearest
        else:
            ranked = weighted_rank_fusion(
                [key for key, _ in found.lexical],
                [key for key, _ in found.nearest],
                lexical_weight(len(terms.words)),
            )
        if not ranked:
            return self._result(query, [], 0, {}, terms)
        return self._result(
            query,
            ranked[query.offset : window],
            found.total,
            found.facets,
            terms,
            found.total_exact,
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
