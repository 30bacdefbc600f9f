"""Stop the real Elasticsearch, keep writing and searching, start it again, sync: nothing is lost.

Runs only where ``scripts/elasticsearch.sh`` controls the server of TEST_ELASTICSEARCH_URL (as
root, with the pid file that script writes), and after every other test (see conftest.py), so
no other test sees the server down. The server is started again whatever happens.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import PROJECT_ROOT
from portal.accounts.models import User
from portal.extensions import db
from portal.listings.kinds import ListingKind
from portal.outbox.service import backlog
from portal.search_index.backends import get_backends, reset_backends
from portal.search_index.service import sync
from tests.factories import make_listing
from tests.portal.search_index.conftest import use_elasticsearch

SCRIPT = PROJECT_ROOT / "scripts" / "elasticsearch.sh"


def _script(command: str, port: int) -> None:
    env = {**os.environ, "ES_PORT": str(port)}
    subprocess.run(["bash", str(SCRIPT), command], check=True, env=env, timeout=300)


def _controllable_port(url: str) -> int:
    port = urlparse(url).port or 9200
    home = Path(os.environ.get("ES_HOME_ROOT", "/opt/lowcarbon-es"))
    if os.geteuid() != 0 or not (home / f"node-{port}" / "es.pid").exists():
        pytest.skip("the Elasticsearch server was not started by scripts/elasticsearch.sh as root")
    return port


def _ids(client: FlaskClient, text: str, doc_type: str = "technology") -> tuple[str, set[int]]:
    body = client.get("/api/v1/search", query_string={"q": text, "type": doc_type}).json
    return body["backend"], {item["id"] for item in body["items"]}


@pytest.mark.elasticsearch
def test_elasticsearch_outage(
    app: Flask, client: FlaskClient, people_for_search: dict[str, User]
) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("one outage is enough: it runs with SQLite")
    port = _controllable_port(use_elasticsearch(app))
    reset_backends(app)
    researcher, broker = people_for_search["researcher"], people_for_search["broker"]
    before = make_listing(
        ListingKind.TECHNOLOGY, researcher, published_by=broker, title="钠离子电池储能系统"
    )
    assert _ids(client, "钠离子电池") == ("elasticsearch", {before.id})

    _script("stop", port)
    try:
        during = make_listing(
            ListingKind.TECHNOLOGY, researcher, published_by=broker, title="钠离子电池回收工艺"
        )
        org = researcher.organization
        org.description = "海洋负碳与蓝碳监测研究"
        db.session.commit()
        assert backlog() > 0
        assert _ids(client, "钠离子电池") == ("embedded", {before.id, during.id})
        html = client.get("/search?q=钠离子电池").get_data(as_text=True)
        assert "search-fallback-notice" in html
    finally:
        _script("start", port)

    report = sync(app)
    assert report.drained.ok, report.drained.errors
    assert backlog() == 0
    assert _ids(client, "钠离子电池") == ("elasticsearch", {before.id, during.id})
    assert _ids(client, "蓝碳监测", "organization") == ("elasticsearch", {org.id})
    get_backends(app).elastic.drop_all()
    reset_backends(app)
