"""Elasticsearch configured but unreachable: writes succeed, the embedded index answers."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.listings.models import ListingStatus
from portal.outbox.service import backlog
from portal.search_index.backends import reset_backends
from tests.factories import make_listing

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


def test_writes_succeed_and_search_falls_back_when_elasticsearch_is_down(
    app: Flask, client: FlaskClient, people_for_search: dict[str, User]
) -> None:
    app.config.update(ELASTICSEARCH_URL=UNREACHABLE, SEARCH_RETRY_SECONDS=0)
    reset_backends(app)
    tech = make_listing(
        ListingKind.TECHNOLOGY,
        people_for_search["researcher"],
        published_by=people_for_search["broker"],
        title="钠离子电池储能系统",
    )
    assert backlog() > 0  # kept for Elasticsearch

    body = client.get("/api/v1/search?q=钠离子电池&type=technology").json
    assert body["backend"] == "embedded"
    assert [item["id"] for item in body["items"]] == [tech.id]
    html = client.get("/search?q=钠离子电池").get_data(as_text=True)
    assert "search-fallback-notice" in html and "钠离子电池储能系统" in html

    # A write through a request still succeeds; draining fails quietly after it.
    auth_client = app.test_client()
    auth_client.post(
        "/auth/login", data={"email": "researcher@search.xm", "password": "correct-horse-42"}
    )
    response = auth_client.post(f"/catalogue/{tech.id}/archive")
    assert response.status_code == 302
    db.session.refresh(tech)
    assert tech.status is ListingStatus.ARCHIVED
    assert client.get("/api/v1/search?q=钠离子电池&type=technology").json["items"] == []
    reset_backends(app)
