"""Search in the portal on each backend: the embedded index, and a real Elasticsearch.

``search_on`` switches the app to a backend before anything is written, so the outbox drains
into it. Elasticsearch runs when TEST_ELASTICSEARCH_URL is set (skipped locally without it,
failing under CI=true); each test gets its own index prefix and drops its indices afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.organizations.models import OrgKind
from portal.search_index.backends import get_backends, reset_backends
from tests.conftest import require_service
from tests.factories import make_org, make_plan_areas, make_user

OUTAGE_TEST = "test_elasticsearch_outage"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The outage test stops and restarts the server: run it after every other test."""
    items.sort(key=lambda item: OUTAGE_TEST in item.nodeid)


def use_elasticsearch(app: Flask) -> str:
    url = require_service("TEST_ELASTICSEARCH_URL", "Elasticsearch")
    app.config.update(
        ELASTICSEARCH_URL=url,
        SEARCH_INDEX_PREFIX=f"test-portal-{uuid.uuid4().hex[:8]}-",
        SEARCH_RETRY_SECONDS=0,
    )
    return url


@contextmanager
def searching_on(app: Flask, backend: str) -> Iterator[str]:
    """`app` on `backend` ("embedded" or "elasticsearch") inside the block; Elasticsearch's
    indices of the block are dropped when it ends."""
    if backend == "elasticsearch":
        use_elasticsearch(app)
    try:
        yield backend
    finally:
        backends = get_backends(app)
        if backends.elastic is not None and backends.elastic.health():
            backends.elastic.drop_all()
        reset_backends(app)


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def search_on(request: pytest.FixtureRequest, app: Flask) -> Iterator[str]:
    """The backend under test, configured before any write."""
    with searching_on(app, request.param) as backend:
        yield backend


def make_people_for_search() -> dict[str, User]:
    """A researcher (university, 思明区), a firm, a broker; the plan's areas for facets."""
    make_plan_areas()
    xmu = make_org("厦门大学", OrgKind.UNIVERSITY, district="思明区")
    firm = make_org("厦门示例新能源有限公司", OrgKind.ENTERPRISE, district="湖里区")
    return {
        "researcher": make_user("researcher@search.xm", Role.RESEARCHER, xmu),
        "enterprise": make_user("enterprise@search.xm", Role.ENTERPRISE, firm),
        "broker": make_user("broker@search.xm", Role.BROKER),
    }


@pytest.fixture
def people_for_search(app: Flask) -> dict[str, User]:
    return make_people_for_search()
