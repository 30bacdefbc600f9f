"""Search for the portal: answering queries (with the embedded fallback) and keeping indices true.

The database is the source of truth; every index is derived from it. ``index_changes`` is the
outbox handler that applies changed records to every backend; ``sync`` drains the outbox and
removes listings that expired since; ``reindex`` rebuilds from the database; ``search_status``
compares database and index counts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from elastic_transport import TransportError
from elasticsearch import ApiError
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.domain_errors import ValidationFailed
from portal.extensions import db
from portal.outbox.models import OutboxEntry
from portal.outbox.service import DrainReport, OutboxEvent, drain_outbox
from portal.search_index.backends import (
    SearchBackends,
    get_backends,
    index_dir,
    reset_backends,
    wipe_embedded,
)
from portal.search_index.documents import (
    LISTING_TYPES,
    PORTAL_DOC_TYPES,
    document_for,
    expired_listing_ids,
    is_public,
    load_records,
    organization_listing_ids,
    public_count,
    public_documents,
)
from search.backend import RankedBackend
from search.documents import BackendUnavailable, SearchDocument, SearchQuery, SearchResult

log = logging.getLogger(__name__)

SEARCH_HANDLER = "search"
# What going wrong on the Elasticsearch side looks like; the embedded index answers instead.
ELASTIC_FAILURES = (BackendUnavailable, ApiError, TransportError)

T = TypeVar("T")


class SearchIndexError(Exception):
    """Some backend could not apply a change; the outbox keeps it for the next drain."""


@dataclass(frozen=True)
class SearchAnswer:
    result: SearchResult
    query: SearchQuery
    fallback: bool  # Elasticsearch is configured but could not answer; the embedded index did


# --- reading ----------------------------------------------------------------------------------


def _refused_by_server(error: Exception) -> bool:
    """A 4xx other than timeout or throttling: the request was at fault, not the server."""
    status = getattr(getattr(error, "meta", None), "status", None)
    return (
        isinstance(error, ApiError)
        and status is not None
        and 400 <= status < 500
        and (status not in (408, 429))
    )


def _ask(backends: SearchBackends, call: Callable[[RankedBackend], T]) -> tuple[T, bool]:
    """``call`` on Elasticsearch when usable, else (or when it fails) on the embedded index.

    A request Elasticsearch refuses as bad (a 4xx) is the caller's error: it is refused, and
    Elasticsearch is not taken for down, so writes to it are not paused.
    """
    if backends.elastic is not None and backends.elastic_usable():
        try:
            answer = call(backends.elastic)
        except ELASTIC_FAILURES as error:
            if _refused_by_server(error):
                log.warning("Elasticsearch refused a search as bad: %s", error)
                raise ValidationFailed(
                    {}, _l("检索服务无法处理这个搜索请求，请缩小范围后重试")
                ) from error
            backends.mark_elastic_down(error)
        else:
            backends.mark_elastic_up()
            return answer, False
    return call(backends.embedded), backends.elastic is not None


def run_search(query: SearchQuery) -> SearchAnswer:
    result, fallback = _ask(get_backends(), lambda backend: backend.search(query))
    return SearchAnswer(result, query, fallback)


def nearest_ids(doc_type: str, text: str, limit: int) -> list[int]:
    """Ids of the ``limit`` documents of ``doc_type`` whose vectors are nearest to ``text``'s
    (above the backend's similarity floor), nearest first: one vector query, the whole text
    embedded (a search's text is cut to its first characters)."""
    backends = get_backends()
    vector = backends.vectorizer.embed_query(text)
    query = SearchQuery(text=text, doc_types=(doc_type,), mode="vector", per_page=limit)
    result, _ = _ask(backends, lambda backend: backend.search(query, vector))
    return [hit.doc_id for hit in result.hits]


def suggest(prefix: str, limit: int = 8) -> list[str]:
    suggestions, _ = _ask(get_backends(), lambda backend: backend.suggest(prefix[:50], limit))
    return suggestions


# --- writing ----------------------------------------------------------------------------------


def _apply(backends: SearchBackends, docs: Sequence[SearchDocument], gone: Iterable[tuple]) -> None:
    """Write ``docs`` and delete ``gone`` on every backend; raise if any backend failed."""
    gone = list(gone)
    failures = []
    for backend in backends.all:
        if backend is backends.elastic and not backends.elastic_usable():
            failures.append("Elasticsearch paused after a failure")
            continue
        try:
            backend.bulk_index(docs)
            for doc_type, doc_id in gone:
                backend.delete(doc_type, doc_id)
        except ELASTIC_FAILURES as error:
            if backend is not backends.elastic:
                raise
            backends.mark_elastic_down(error)
            failures.append(f"Elasticsearch: {error}")
    if failures:
        raise SearchIndexError("; ".join(failures))


def changed_documents(
    keys: dict[str, set[int]], today: date | None = None
) -> tuple[list[SearchDocument], list[tuple[str, int]]]:
    """For changed records: the documents to (re)write, and the keys to remove from the index."""
    docs, gone = [], []
    for doc_type, ids in keys.items():
        if doc_type not in PORTAL_DOC_TYPES:
            continue
        records = load_records(doc_type, ids)
        for record_id in sorted(ids):
            record = records.get(record_id)
            if record is not None and is_public(record, today):
                docs.append(document_for(record))
            else:
                gone.append((doc_type, record_id))
    return docs, gone


def index_changes(events: Sequence[OutboxEvent]) -> None:
    """The outbox handler: bring the indices in line with the current state of changed records.

    An organization's listings are rewritten with it, since they carry its kind and district.
    """
    keys: dict[str, set[int]] = defaultdict(set)
    for event in events:
        keys[event.entity_type].add(event.entity_id)
    if keys.get("organization"):
        for doc_type, ids in organization_listing_ids(keys["organization"]).items():
            keys[doc_type].update(ids)
    docs, gone = changed_documents(keys)
    _apply(get_backends(), docs, gone)


@dataclass(frozen=True)
class SyncReport:
    drained: DrainReport
    expired_removed: int


def sync(app: Flask, today: date | None = None) -> SyncReport:
    """Drain the whole outbox, then remove listings that expired since they were indexed."""
    drained = drain_outbox(app)
    expired = [(t, i) for t in LISTING_TYPES for i in expired_listing_ids(t, today)]
    try:
        _apply(get_backends(app), [], expired)
    except SearchIndexError as error:
        drained.failed[SEARCH_HANDLER] = drained.failed.get(SEARCH_HANDLER, 0) + len(expired)
        drained.errors[SEARCH_HANDLER] = str(error)
    return SyncReport(drained, len(expired))


def reindex(
    doc_types: Sequence[str], progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Rebuild the indices of ``doc_types`` from the database on every backend.

    Elasticsearch fills a new index and swaps its alias; the embedded index rebuilds in place
    (and wholly, when its vectors came from another embedder). ``progress(n)`` is told of every
    n documents written.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backends = get_backends(app)
    if backends.stale_vectors:
        reset_backends(app)
        wipe_embedded(index_dir(app))
        backends = get_backends(app)
        doc_types = list(PORTAL_DOC_TYPES)
    counts = {}
    for doc_type in doc_types:
        docs = list(public_documents(doc_type))
        for backend in backends.all:
            backend.reindex(doc_type, _counted(docs, progress))
        counts[doc_type] = len(docs)
    backends.mark_elastic_up()
    return counts


def reindex_size(doc_types: Sequence[str]) -> int:
    """How many documents a reindex of ``doc_types`` writes, over every backend."""
    return sum(public_count(t) for t in doc_types) * len(get_backends().all)


def _counted(
    docs: Sequence[SearchDocument], progress: Callable[[int], None] | None
) -> Iterator[SearchDocument]:
    for doc in docs:
        yield doc
        if progress:
            progress(1)


# --- status -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeStatus:
    doc_type: str
    in_database: int  # rows that belong in the index
    in_embedded: int
    in_elasticsearch: int | None  # None: not configured or unreachable


@dataclass(frozen=True)
class SearchStatus:
    types: list[TypeStatus]
    backlog: int
    failing: int  # backlog rows that a handler failed on at least once
    last_error: str | None
    embedder: str
    embedded_dir: str
    embedded_database: str | None  # the database the embedded index records it was built from
    embedded_dir_configured: bool  # SEARCH_INDEX_DIR set; else the folder derives from the database
    stale_vectors: str | None
    elasticsearch_url: str | None
    elasticsearch_healthy: bool | None


def search_status() -> SearchStatus:
    backends = get_backends()
    healthy = backends.elastic.health() if backends.elastic is not None else None
    types = []
    for doc_type in PORTAL_DOC_TYPES:
        in_elastic = None
        if backends.elastic is not None and healthy:
            in_elastic = backends.elastic.count(doc_type)
        types.append(
            TypeStatus(
                doc_type, public_count(doc_type), backends.embedded.count(doc_type), in_elastic
            )
        )
    backlog = db.session.scalar(select(func.count()).select_from(OutboxEntry)) or 0
    failing = db.session.scalar(
        select(func.count()).select_from(OutboxEntry).where(OutboxEntry.attempts > 0)
    )
    last_error = db.session.scalar(
        select(OutboxEntry.last_error)
        .where(OutboxEntry.last_error.is_not(None))
        .order_by(OutboxEntry.id.desc())
        .limit(1)
    )
    return SearchStatus(
        types,
        backlog,
        failing or 0,
        last_error,
        backends.vectorizer.name,
        str(backends.location.directory),
        backends.embedded.database,
        backends.location.configured,
        backends.stale_vectors,
        backends.elastic.url if backends.elastic is not None else None,
        healthy,
    )
