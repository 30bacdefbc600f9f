"""The search page, the suggest endpoint and GET /api/v1/search, on each backend.

The tests only read: one catalogue per database and search backend serves the whole module
(indexing it into Elasticsearch took seconds a test).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from portal.extensions import db
from portal.listings.kinds import ListingKind
from tests.conftest import DATABASE_BACKENDS, app_on_database, database_url_for
from tests.factories import make_listing
from tests.portal.search_index.conftest import make_people_for_search, searching_on

HOSTILE_QUERIES = [
    "",
    "x" * 10_000,
    "！？。，……",
    "🔋🌞🌊",
    '"',
    "*",
    "OR",
    "储能 OR 1=1",
    "title:储能",
    "(储能",
    'NEAR("a" "b")',
    "<script>alert(1)</script>",
    "\\",
    "储能\x00",
]


@dataclass(frozen=True)
class SearchedCatalogue:
    app: Flask
    backend: str
    ids: dict[str, int]


def _make_catalogue() -> dict[str, int]:
    people = make_people_for_search()
    researcher, broker = people["researcher"], people["broker"]
    battery = make_listing(
        ListingKind.TECHNOLOGY,
        researcher,
        published_by=broker,
        title="钠离子电池储能系统",
        summary="面向工商业用户侧储能的低成本钠离子电池系统。",
        area="A01.03",
        trl=7,
    )
    need = make_listing(
        ListingKind.NEED,
        people["enterprise"],
        published_by=broker,
        title="工业园区储能需求",
        summary="园区需要削峰填谷的储能方案。",
    )
    for number in range(1, 4):
        make_listing(
            ListingKind.PRODUCT if number == 3 else ListingKind.TECHNOLOGY,
            researcher,
            published_by=broker,
            title=f"光伏组件回收技术{number}",
            summary="退役光伏组件的拆解与材料回收。",
        )
    return {"battery": battery.id, "need": need.id}


BACKEND_PAIRS = [
    pytest.param(
        (database, search),
        id=f"{database}-{search}",
        marks=pytest.mark.elasticsearch if search == "elasticsearch" else (),
    )
    for database, search in product(DATABASE_BACKENDS, ("embedded", "elasticsearch"))
]


@pytest.fixture(scope="module", params=BACKEND_PAIRS)
def searched(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchedCatalogue]:
    """The module's catalogue on one database and search backend, indexed once."""
    database, backend = request.param
    folder = tmp_path_factory.mktemp(f"search-pages-{database}-{backend}")
    with (
        app_on_database(database_url_for(database, folder), folder) as app,
        searching_on(app, backend),
    ):
        yield SearchedCatalogue(app, backend, _make_catalogue())


@pytest.fixture
def app(searched: SearchedCatalogue) -> Iterator[Flask]:
    """The module's app for one test, with fresh rate-limit counts: each test searches as
    often as it did on an app of its own."""
    searched.app.extensions["portal.rate_limiter"].reset()
    with searched.app.app_context():
        yield searched.app
        db.session.remove()


@pytest.fixture
def search_on(searched: SearchedCatalogue) -> str:
    return searched.backend


@pytest.fixture
def catalogue(searched: SearchedCatalogue) -> dict[str, int]:
    return searched.ids


def test_api_answers_items_facets_and_backend(
    client: FlaskClient, search_on: str, catalogue: dict[str, int]
) -> None:
    body = client.get("/api/v1/search?q=储能").json
    assert body["backend"] == search_on
    keys = {(item["type"], item["id"]) for item in body["items"]}
    expected = {("technology", catalogue["battery"]), ("need", catalogue["need"])}
    assert expected <= keys
    first = body["items"][0]
    assert set(first) == {"type", "id", "title", "snippet", "score"}
    # Both listings that contain the word show it highlighted, not just one of them.
    snippets = [i["snippet"] for i in body["items"] if (i["type"], i["id"]) in expected]
    assert len(snippets) == 2 and all("<mark>储能</mark>" in s for s in snippets), snippets
    assert body["facets"]["doc_type"]["technology"] >= 1
    assert body["total"] == len(body["items"])

    only_needs = client.get("/api/v1/search?q=储能&type=need").json
    assert [(i["type"], i["id"]) for i in only_needs["items"]] == [("need", catalogue["need"])]
    filtered = client.get("/api/v1/search?q=储能&type=technology&area=A01.03&trl=7").json
    assert [i["id"] for i in filtered["items"]] == [catalogue["battery"]]


def test_api_pages_and_refuses_unknown_filter_values(
    client: FlaskClient, search_on: str, catalogue: dict[str, int]
) -> None:
    page_one = client.get(
        "/api/v1/search?q=光伏组件回收&mode=lexical&type=technology&per_page=2"
    ).json
    page_two = client.get(
        "/api/v1/search?q=光伏组件回收&mode=lexical&type=technology&per_page=2&page=2"
    ).json
    assert page_one["total"] == page_two["total"] == 3
    assert len(page_one["items"]) == 2 and len(page_two["items"]) == 1
    beyond = client.get("/api/v1/search?q=光伏&page=500")
    assert beyond.status_code == 200 and beyond.json["items"] == []

    for bad in (
        "trl=10",
        "district=北京",
        "area=Z99",
        "type=patent",
        "org_kind=club",
        "mode=magic",
        "page=0",
        "per_page=1000",
        "carbon_type=blue",
    ):
        response = client.get(f"/api/v1/search?q=储能&{bad}")
        assert response.status_code == 400, bad
        error = response.json["error"]
        assert error["code"] == "invalid_query" and bad.split("=")[0] in error["fields"]


def test_hostile_queries_answer_normally(
    client: FlaskClient, search_on: str, catalogue: dict[str, int]
) -> None:
    # One test for every query: the catalogue is built once per backend, which keeps this fast.
    for text in HOSTILE_QUERIES:
        api = client.get("/api/v1/search", query_string={"q": text})
        assert api.status_code == 200 and isinstance(api.json["items"], list), text
        page = client.get("/search", query_string={"q": text})
        assert page.status_code == 200, text
        assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
        assert client.get("/search/suggest", query_string={"q": text}).status_code == 200, text


def test_the_page_shows_tabs_facets_highlights_and_paging(
    client: FlaskClient, search_on: str, catalogue: dict[str, int]
) -> None:
    html = client.get("/search?q=储能").get_data(as_text=True)
    assert "钠离子电池储能系统" in html and "工业园区储能需求" in html
    assert "<mark>储能</mark>" in html
    assert f"/catalogue/{catalogue['battery']}" in html and f"/needs/{catalogue['need']}" in html
    assert "type=need" in html  # the type tabs
    assert "area=A01.03" in html  # a facet value as a link
    assert "search-fallback-notice" not in html

    paged = client.get("/search?q=光伏组件回收&type=technology&per_page=2").get_data(as_text=True)
    assert "page=2" in paged
    assert client.get("/search?q=储能&district=北京").status_code == 400


def test_did_you_mean_and_suggestions(
    client: FlaskClient, search_on: str, catalogue: dict[str, int]
) -> None:
    suggestions = client.get("/search/suggest?q=钠离子").json["suggestions"]
    assert "钠离子电池储能系统" in suggestions
    assert client.get("/search/suggest?q=").json == {"suggestions": []}
    found = client.get("/api/v1/search?q=钠离子电池").json
    assert found["total"] > 0 and found["did_you_mean"] is None  # results: nothing to suggest
    near_miss = client.get("/api/v1/search?q=钠离子电地&mode=lexical&type=need").json
    assert near_miss["total"] == 0
    assert near_miss["did_you_mean"] == "钠离子电池"


def test_every_page_has_the_search_box(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and 'data-suggest-url="/search/suggest"' in html


def test_the_page_asks_the_database_nothing_once_area_names_are_read(
    app: Flask, client: FlaskClient, search_on: str, catalogue: dict[str, int]
) -> None:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    assert (
        client.get("/search?q=储能").status_code == 200
    )  # the first page of the minute reads the plan's area names
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get("/search?q=储能&area=A01.03").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert statements == []
    assert "A01.03 " in html  # the facet shows the area's name beside its code
    assert "search/suggest" in html
    assert "?q=%E5%82%A8%E8%83%BD&amp;area=A01.03&amp;type=need" in html  # the need tab keeps both
