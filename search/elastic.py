"""The Elasticsearch 9 backend.

One index per document type behind an alias (``<prefix><doc_type>``); ``reindex`` fills a new
index from the documents the caller supplies, swaps the alias in one atomic ``_aliases`` call and
deletes the old index, so searches never see a half-built index. The server distribution used in
development and CI has no analysis-common module, no painless, no ``GET /``, no ``_reindex`` and
no RRF retriever, so this backend uses only: the built-in ``whitespace`` analyzer over tokens
made in Python, keyword facets, ``dense_vector`` kNN, ``_bulk`` writes, ``/_cluster/health``.

Somewhat over the usual module length: one class over one server connection, its mapping and
the alias swap; the pieces are only meaningful together.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import pack_dense_vector

from embeddings.protocol import TextEmbedder
from search import backend as ranking
from search.analysis import FIELD_WEIGHTS, TOKEN_FIELDS, IndexedText, QueryTerms
from search.backend import DocKey, RankedBackend, Retrieved, StoredText
from search.documents import (
    DOC_TYPES,
    FACET_FIELDS,
    BackendUnavailable,
    SearchDocument,
    SearchError,
    SearchQuery,
    facet_values,
)
from search.tokenize import domain_terms, normalize

FACET_BUCKETS = 100
BULK_TIMEOUT_S = 120.0
# Bulk requests in flight during a reindex.
BULK_CONCURRENCY = 2
# A ranked hit brings back its key from doc values, never the stored source: parsing and
# fetching the source of 1,000 hits cost more than the search itself.
KEYS_ONLY: dict[str, object] = {
    "source": False,
    "stored_fields": "_none_",
    "docvalue_fields": ["doc_type", "doc_id"],
}
# The same, in a search body of an msearch (where the body spells ``_source``).
KEYS_BODY: dict[str, object] = {
    "_source": False,
    "stored_fields": "_none_",
    "docvalue_fields": ["doc_type", "doc_id"],
}
Counts = dict[tuple[str, str], int]

MAX_KNN_CANDIDATES = 10_000


def _facet_aggs() -> dict[str, dict]:
    return {
        field: {"terms": {"field": field, "size": FACET_BUCKETS}}
        for field in ("doc_type", *FACET_FIELDS)
    }


def _counts(aggregations: dict) -> Counts:
    """(field, value) -> documents, from the facet aggregations of a response (or sub-agg)."""
    return {
        (field, str(bucket["key"])): bucket["doc_count"]
        for field in ("doc_type", *FACET_FIELDS)
        for bucket in aggregations.get(field, {}).get("buckets", [])
    }


def _add_counts(into: Counts, other: Counts, sign: int = 1) -> Counts:
    added = dict(into)
    for pair, count in other.items():
        added[pair] = added.get(pair, 0) + sign * count
    return added


def _facets(counts: Counts) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {}
    for (field, value), count in counts.items():
        if count > 0:
            facets.setdefault(field, {})[value] = count
    return facets


def _packed(vector: np.ndarray) -> str:
    """A vector as the server reads it fastest: base64 of its big-endian float32 bytes (the
    JSON list of 256 floats was a third of a document's bulk bytes and most of its encoding)."""
    return pack_dense_vector(np.asarray(vector, dtype=np.float32))


_UNREACHABLE = (TransportConnectionError, ConnectionTimeout)


def index_mapping(vector_dim: int | None) -> dict:
    properties: dict[str, dict] = {
        "doc_type": {"type": "keyword"},
        "doc_id": {"type": "long"},
        # Original text, kept for display and snippets only: never searched, so not indexed
        # (the standard analyzer cut Chinese into single characters, 600 terms a document).
        "title": {"type": "text", "index": False},
        "body": {"type": "text", "index": False},
        "title_norm": {"type": "keyword"},
        # Only term frequencies: BM25 needs no positions, and no query here is a phrase.
        **{
            name: {"type": "text", "analyzer": "whitespace", "index_options": "freqs"}
            for name in TOKEN_FIELDS
        },
        **{name: {"type": "keyword"} for name in FACET_FIELDS},
    }
    properties["trl"] = {"type": "integer"}
    if vector_dim:
        properties["vector"] = {
            "type": "dense_vector",
            "dims": vector_dim,
            "index": True,
            "similarity": "cosine",
            # 8-bit HNSW, the server's default below 384 dimensions, pinned: from 384 on
            # (multilingual-e5-small) 9.5 picks bbq_hnsw, one bit a dimension re-scored over
            # three times the candidates, which ranks differently from the float vectors.
            "index_options": {"type": "int8_hnsw"},
        }
    # The token fields are made in Python and never read back: index them, do not store them.
    return {
        "dynamic": "strict",
        "_source": {"excludes": list(TOKEN_FIELDS)},
        "properties": properties,
    }


class ElasticsearchBackend(RankedBackend):
    name = "elasticsearch"

    def __init__(
        self,
        url: str,
        vectorizer: TextEmbedder | None = None,
        index_prefix: str = "lowcarbon-",
        min_similarity: float = 0.05,
        refresh: bool | str = "wait_for",
        request_timeout: float = 10.0,
    ) -> None:
        super().__init__(vectorizer, min_similarity)
        self.url = url
        self.index_prefix = index_prefix
        self.refresh = refresh
        self.client = Elasticsearch(url, request_timeout=request_timeout, max_retries=0)

    def alias(self, doc_type: str) -> str:
        return f"{self.index_prefix}{doc_type}"

    def _call(self, method, **kwargs):
        """Run one client call, turning "cannot reach the server" into BackendUnavailable."""
        try:
            return method(**kwargs)
        except _UNREACHABLE as error:
            raise BackendUnavailable(
                f"Elasticsearch at {self.url} is unreachable: {error}"
            ) from error

    def close(self) -> None:
        self.client.close()

    def health(self) -> bool:
        try:
            status = self.client.options(request_timeout=2).cluster.health()["status"]
        except _UNREACHABLE:
            return False
        return status in ("green", "yellow")

    # --- index management -----------------------------------------------------------------

    def _create_index(self, doc_type: str, bulk_load: bool = False) -> str:
        """A new empty index; ``bulk_load`` turns periodic refresh and the fsync of the
        translog on every bulk request off until ``_end_bulk_load`` (an index being loaded is
        not yet behind the alias: a crash loses nothing searchable)."""
        name = f"{self.alias(doc_type)}-{time.time_ns()}"
        settings: dict[str, object] = {"number_of_shards": 1, "number_of_replicas": 0}
        if bulk_load:
            settings["refresh_interval"] = "-1"
            settings["translog.durability"] = "async"
        self._call(
            self.client.indices.create,
            index=name,
            settings=settings,
            mappings=index_mapping(self.vectorizer.dim if self.vectorizer else None),
        )
        return name

    def _end_bulk_load(self, index: str) -> None:
        self._call(
            self.client.indices.put_settings,
            index=index,
            settings={"refresh_interval": None, "translog.durability": None},
        )
        self._call(self.client.indices.refresh, index=index)

    def _indices_behind(self, alias: str) -> list[str]:
        try:
            return list(self._call(self.client.indices.get_alias, name=alias).keys())
        except NotFoundError:
            return []

    def _point_alias(self, doc_type: str, new_index: str) -> None:
        alias = self.alias(doc_type)
        old = self._indices_behind(alias)
        actions = [{"remove": {"index": index, "alias": alias}} for index in old]
        actions.append({"add": {"index": new_index, "alias": alias}})
        self._call(self.client.indices.update_aliases, actions=actions)
        for index in old:
            self._call(self.client.indices.delete, index=index)

    def _ensure_index(self, doc_type: str) -> None:
        if not self._indices_behind(self.alias(doc_type)):
            self._point_alias(doc_type, self._create_index(doc_type))

    def recreate(self, doc_type: str) -> None:
        self._point_alias(doc_type, self._create_index(doc_type))

    def reindex(self, doc_type: str, docs: Iterable[SearchDocument]) -> int:
        """Fill a new index and swap the alias to it; searches see the old one until the swap.

        ``BULK_CONCURRENCY`` bulk requests are in flight while the next batch is tokenized: the
        node indexes one request on one thread, so a single request at a time left a core idle.
        Two batches may land in either order, so ``docs`` should hold each document once (as a
        database query gives them); ``bulk_index`` keeps the order.
        """
        new_index = self._create_index(doc_type, bulk_load=True)
        in_flight: deque[Future[None]] = deque()
        with ThreadPoolExecutor(max_workers=BULK_CONCURRENCY) as senders:

            def send(batch: Sequence[SearchDocument], texts: Sequence[IndexedText], _last: bool):
                # Called by one thread at a time (the pipeline's writer), in batch order.
                if len(in_flight) >= BULK_CONCURRENCY:
                    in_flight.popleft().result()
                in_flight.append(
                    senders.submit(self._bulk, batch, texts, lambda _: new_index, False)
                )

            written = self._write_pipelined(docs, send)
            for sent in in_flight:
                sent.result()
        self._end_bulk_load(new_index)
        self._point_alias(doc_type, new_index)
        return written

    def drop_all(self) -> None:
        """Delete every index and alias under this backend's prefix (tests clean up with it)."""
        for doc_type in DOC_TYPES:
            for index in self._indices_behind(self.alias(doc_type)):
                self._call(self.client.indices.delete, index=index)

    # --- writes ---------------------------------------------------------------------------

    def _source(self, doc: SearchDocument, text: IndexedText) -> dict:
        source: dict[str, object] = {
            "doc_type": doc.doc_type,
            "doc_id": doc.doc_id,
            "title": doc.title,
            "body": doc.body,
            "title_norm": normalize(doc.title),
            **text.as_dict(),
        }
        for field, value in doc.facets.items():
            values = facet_values(value)
            source[field] = [int(v) for v in values] if field == "trl" else values
        if doc.vector is not None and self.vectorizer is not None and np.any(doc.vector):
            source["vector"] = _packed(doc.vector)
        return source

    def _bulk(
        self,
        docs: Sequence[SearchDocument],
        texts: Sequence[IndexedText],
        index_for: Callable[[SearchDocument], str],
        refresh: bool | str,
    ) -> None:
        operations: list[dict] = []
        for doc, text in zip(docs, texts, strict=True):
            operations.append({"index": {"_index": index_for(doc), "_id": str(doc.doc_id)}})
            operations.append(self._source(doc, text))
        # A batch of 1,000 documents with vectors can take the server longer than a search may.
        bulk_client = self.client.options(request_timeout=BULK_TIMEOUT_S)
        # Only failures come back: the per-document acknowledgements are most of the response.
        response = self._call(
            bulk_client.bulk,
            operations=operations,
            refresh=refresh,
            filter_path="errors,items.*.error",
        )
        if response["errors"]:
            failed = next(item for item in response["items"] if "error" in item["index"])
            raise SearchError(f"bulk indexing failed: {failed['index']['error']}")

    def _write_batch(
        self, docs: Sequence[SearchDocument], texts: Sequence[IndexedText], last: bool
    ) -> None:
        for doc_type in {doc.doc_type for doc in docs}:
            self._ensure_index(doc_type)
        # Only the last batch waits for a refresh: it makes the earlier batches visible too.
        refresh = self.refresh if last else False
        self._bulk(docs, texts, lambda doc: self.alias(doc.doc_type), refresh)

    def delete(self, doc_type: str, doc_id: int) -> None:
        # Deleting what is already gone is not an error: the outbox may replay a delete.
        with contextlib.suppress(NotFoundError):
            self._call(
                self.client.delete, index=self.alias(doc_type), id=str(doc_id), refresh=self.refresh
            )

    # --- reads ----------------------------------------------------------------------------

    def _indices(self, query: SearchQuery) -> str:
        return ",".join(self.alias(t) for t in (query.doc_types or DOC_TYPES))

    def _search(self, request: SearchQuery, **body) -> dict:
        return self._call(
            self.client.search,
            index=self._indices(request),
            ignore_unavailable=True,
            allow_no_indices=True,
            **body,
        )

    @staticmethod
    def _filters(query: SearchQuery) -> list[dict]:
        filters: list[dict] = [
            {"terms": {field: values}} for field, values in query.string_filters.items()
        ]
        if query.trl_min is not None or query.trl_max is not None:
            filters.append(
                {"range": {"trl": {"gte": query.trl_min or 1, "lte": query.trl_max or 9}}}
            )
        return filters

    @staticmethod
    def _lexical_clauses(terms: QueryTerms) -> list[dict]:
        clauses = []
        for name in TOKEN_FIELDS:
            wanted = terms.words if name.endswith("_words") else terms.chars
            if wanted:
                match = {"query": " ".join(wanted), "boost": FIELD_WEIGHTS.get(name, 1.0)}
                clauses.append({"match": {name: match}})
        return clauses

    @staticmethod
    def _keys(response: dict) -> list[DocKey]:
        return [
            (hit["fields"]["doc_type"][0], hit["fields"]["doc_id"][0])
            for hit in response["hits"]["hits"]
        ]

    @staticmethod
    def _scored(response: dict) -> list[tuple[DocKey, float]]:
        keys = ElasticsearchBackend._keys(response)
        scores = [hit["_score"] or 0.0 for hit in response["hits"]["hits"]]
        return list(zip(keys, scores, strict=True))

    def _knn_body(
        self, query: SearchQuery, vector: np.ndarray, limit: int, terms: QueryTerms | None
    ) -> dict:
        """The nearest documents at or above min_similarity, with their facet counts and, when
        there are query terms, the counts of those neighbours that match them lexically too."""
        knn: dict[str, object] = {
            "field": "vector",
            "query_vector": _packed(vector),
            "k": limit,
            # The server refuses more than 10,000 candidates; k never exceeds the result window.
            "num_candidates": min(max(limit * 2, 100), MAX_KNN_CANDIDATES),
            # Raw cosine, so the aggregations below count the same documents as the hits.
            "similarity": self.min_similarity,
        }
        if filters := self._filters(query):
            knn["filter"] = filters
        aggs: dict[str, dict] = _facet_aggs()
        if terms is not None:
            aggs["also_lexical"] = {"filter": self._lexical_query(terms), "aggs": _facet_aggs()}
        return {"knn": knn, "size": limit, "aggs": aggs, **KEYS_BODY}

    def _lexical_query(self, terms: QueryTerms, filters: Sequence[dict] = ()) -> dict:
        return {
            "bool": {
                "should": self._lexical_clauses(terms),
                "minimum_should_match": 1,
                "filter": list(filters),
            }
        }

    def _lexical_body(self, query: SearchQuery, terms: QueryTerms, limit: int) -> dict:
        # The sampler aggregation counts the best ``window`` matches by score (per doc type
        # index); track_total_hits stops counting at the window.
        window = max(limit, ranking.FACET_WINDOW)
        return {
            "query": self._lexical_query(terms, self._filters(query)),
            "sort": ["_score", {"doc_id": "asc"}, {"doc_type": "asc"}],
            "size": limit,
            "track_total_hits": window,
            "aggs": {"window": {"sampler": {"shard_size": window}, "aggs": _facet_aggs()}},
            **KEYS_BODY,
        }

    def _msearch(self, query: SearchQuery, bodies: list[dict]) -> list[dict]:
        """Several searches over the query's indices in one round trip."""
        header = {
            "index": self._indices(query),
            "ignore_unavailable": True,
            "allow_no_indices": True,
        }
        searches = [part for body in bodies for part in (header, body)]
        response = self._call(self.client.msearch, searches=searches)
        answers = response["responses"]
        for answer in answers:
            if "error" in answer:
                meta = dataclasses.replace(response.meta, status=answer.get("status", 500))
                raise ApiError(str(answer["error"].get("reason", "search failed")), meta, answer)
        return answers

    def _retrieve(
        self,
        query: SearchQuery,
        terms: QueryTerms | None,
        vector: np.ndarray | None,
        limit: int,
    ) -> Retrieved:
        """The lexical and the vector search in one ``msearch``.

        Neighbours that are also among the lexical matches are counted once: the kNN search
        counts, by a filter aggregation, which of its neighbours match the query terms. Below
        the facet window that is exactly the overlap; past it (the total is then a lower bound)
        a neighbour matching outside the best ``FACET_WINDOW`` is taken off too.
        """
        near = vector is not None and self.vectorizer is not None
        bodies = []
        if near:
            bodies.append(self._knn_body(query, vector, limit, terms))
        if terms is not None:
            bodies.append(self._lexical_body(query, terms, limit))
        answers = self._msearch(query, bodies)
        nearest: list[tuple[DocKey, float]] = []
        near_counts: Counts = {}
        also = {"doc_count": 0}
        if near:
            knn_answer = answers.pop(0)
            # Elasticsearch reports cosine similarity as (1 + cos) / 2; give back the cosine.
            nearest = [(key, 2.0 * score - 1.0) for key, score in self._scored(knn_answer)]
            near_aggs = knn_answer.get("aggregations", {})
            near_counts = _counts(near_aggs)
            also = near_aggs.get("also_lexical", also)
        if terms is None:
            return Retrieved([], nearest, len(nearest), True, _facets(near_counts))

        lexical = answers.pop(0)
        window = max(limit, ranking.FACET_WINDOW)
        hits_total = lexical["hits"]["total"]
        # No aggregations come back when the alias has no index behind it yet (nothing indexed).
        sampled = lexical.get("aggregations", {}).get("window", {})
        counts = _add_counts(_add_counts(_counts(sampled), near_counts), _counts(also), -1)
        return Retrieved(
            lexical=self._scored(lexical),
            nearest=nearest,
            total=min(hits_total["value"], window) + len(nearest) - also["doc_count"],
            total_exact=hits_total["relation"] == "eq" and hits_total["value"] <= window,
            facets=_facets(counts),
        )

    def _browse(self, query: SearchQuery, limit: int) -> list[DocKey]:
        response = self._search(
            query,
            query={"bool": {"filter": self._filters(query)}},
            sort=[{"doc_id": "desc"}, {"doc_type": "asc"}],
            size=limit,
            track_total_hits=False,
            **KEYS_ONLY,
        )
        return self._keys(response)

    def _browse_total_and_facets(self, query: SearchQuery) -> tuple[int, dict[str, dict[str, int]]]:
        # size=0 requests are kept in the shard request cache until the next refresh.
        response = self._search(
            query,
            query={"bool": {"filter": self._filters(query)}},
            size=0,
            aggs=_facet_aggs(),
            track_total_hits=True,
            request_cache=True,
        )
        return response["hits"]["total"]["value"], _facets(
            _counts(response.get("aggregations", {}))
        )

    def _stored_text(self, keys: Sequence[DocKey]) -> dict[DocKey, StoredText]:
        if not keys:
            return {}
        docs = [{"_index": self.alias(t), "_id": str(i)} for t, i in keys]
        response = self._call(self.client.mget, docs=docs, source_includes=["title", "body"])
        return {
            key: StoredText(doc["_source"]["title"], doc["_source"]["body"])
            for key, doc in zip(keys, response["docs"], strict=True)
            if doc.get("found")
        }

    def count(self, doc_type: str) -> int:
        try:
            return self._call(self.client.count, index=self.alias(doc_type))["count"]
        except NotFoundError:
            return 0

    def suggest(self, prefix: str, limit: int = 10) -> list[str]:
        wanted = normalize(prefix).strip()
        if not wanted:
            return []
        terms = [term for term in domain_terms() if term.startswith(wanted)]
        response = self._call(
            self.client.search,
            index=",".join(self.alias(t) for t in DOC_TYPES),
            ignore_unavailable=True,
            allow_no_indices=True,
            query={"prefix": {"title_norm": wanted}},
            sort=[{"title_norm": "asc"}],
            size=limit,
            source_includes=["title"],
        )
        titles = [hit["_source"]["title"] for hit in response["hits"]["hits"]]
        return list(dict.fromkeys(terms + titles))[:limit]
