"""Backend fixtures: every search test runs on the embedded backend and on a real Elasticsearch.

Elasticsearch runs when TEST_ELASTICSEARCH_URL is set (``scripts/elasticsearch.sh start``).
Without it its cases are skipped, except under CI=true, where a missing server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from search.backend import RankedBackend
from search.elastic import ElasticsearchBackend
from search.embedded import EmbeddedBackend
from search.vectors import HashedNgramVectorizer

# One prefix per test run, so parallel runs against one server never see each other's indices.
RUN_PREFIX = f"test-{uuid.uuid4().hex[:8]}-"


def elasticsearch_url() -> str | None:
    url = os.environ.get("TEST_ELASTICSEARCH_URL")
    if not url and os.environ.get("CI") == "true":
        pytest.fail("CI=true but TEST_ELASTICSEARCH_URL is not set: Elasticsearch must run in CI")
    return url


BACKEND_KINDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


@contextmanager
def open_backend(kind: str, folder: Path) -> Iterator[RankedBackend]:
    """An empty backend of `kind` ("embedded": its file in `folder`; "elasticsearch": indices
    under a prefix of its own, dropped when the block ends)."""
    vectorizer = HashedNgramVectorizer()
    if kind == "embedded":
        store = EmbeddedBackend(folder / "search.sqlite3", vectorizer)
        try:
            yield store
        finally:
            store.close()
        return
    url = elasticsearch_url()
    if not url:
        pytest.skip("TEST_ELASTICSEARCH_URL is not set (start one with scripts/elasticsearch.sh)")
    store = ElasticsearchBackend(
        url, vectorizer, index_prefix=f"{RUN_PREFIX}{uuid.uuid4().hex[:6]}-"
    )
    if not store.health():
        pytest.fail(f"Elasticsearch at {url} is not healthy")
    try:
        yield store
    finally:
        store.drop_all()
        store.close()


@pytest.fixture(params=BACKEND_KINDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RankedBackend]:
    with open_backend(request.param, tmp_path) as store:
        yield store
