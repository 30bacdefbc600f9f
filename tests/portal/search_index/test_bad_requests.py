"""A search the backend cannot page to is the caller's error: refused with a message, and
Elasticsearch is not taken for down (writes to it are not paused)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.domain_errors import ValidationFailed
from portal.listings.kinds import ListingKind
from portal.search_index.backends import get_backends, reset_backends
from portal.search_index.service import run_search
from search.documents import MAX_RESULT_WINDOW, InvalidSearchRequest, SearchQuery
from tests.factories import make_listing


def test_paging_past_the_result_window_is_refused(
    app: Flask, client: FlaskClient, search_on: str
) -> None:
    deepest = client.get(f"/api/v1/search?q=电池&page={MAX_RESULT_WINDOW // 100}&per_page=100")
    assert deepest.status_code == 200
    beyond = client.get(f"/api/v1/search?q=电池&page={MAX_RESULT_WINDOW // 100 + 1}&per_page=100")
    assert beyond.status_code == 400
    assert "page" in beyond.get_json()["error"]["fields"]
    assert client.get("/search?q=电池&page=10000&per_page=100").status_code == 400
    with pytest.raises(InvalidSearchRequest):
        SearchQuery(text="电池", page=101, per_page=100)


@pytest.mark.elasticsearch
def test_a_search_elasticsearch_refuses_does_not_pause_it(
    app: Flask, people_for_search: dict[str, User]
) -> None:
    from tests.portal.search_index.conftest import use_elasticsearch

    use_elasticsearch(app)
    reset_backends(app)
    backends = get_backends(app)
    try:
        make_listing(
            ListingKind.TECHNOLOGY,
            people_for_search["researcher"],
            published_by=people_for_search["broker"],
            title="钠离子电池储能系统",
        )
        elastic = backends.elastic
        assert elastic is not None
        # A narrower window than the portal's own cap makes the server answer 400.
        elastic.client.indices.put_settings(
            index=elastic.alias("technology"), settings={"index": {"max_result_window": 5}}
        )
        with pytest.raises(ValidationFailed):
            run_search(SearchQuery(text="电池", doc_types=("technology",), page=2, per_page=5))
        assert backends.elastic_usable()
        elastic.client.indices.put_settings(
            index=elastic.alias("technology"), settings={"index": {"max_result_window": None}}
        )
        answer = run_search(SearchQuery(text="钠离子电池", doc_types=("technology",)))
        assert not answer.fallback and answer.result.total == 1
    finally:
        if backends.elastic is not None:
            backends.elastic.drop_all()
        reset_backends(app)
