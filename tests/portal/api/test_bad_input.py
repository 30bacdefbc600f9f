"""Hostile and malformed requests answer 4xx with the JSON error body, never 500."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.extensions import db
from portal.listings.models import Need
from tests.factories import ApiClient, AuthActions

GOOD_NEED = {"title": "园区储能需求", "summary": "需要为工业园区配置两兆瓦时的用户侧储能系统。"}


def assert_error(response, status: int) -> dict:  # noqa: ANN001 - a test response
    assert response.status_code == status, response.text
    assert response.is_json
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    return error


def test_malformed_json_is_400(api: dict[str | None, ApiClient]) -> None:
    response = api["enterprise"].post(
        "/needs", data='{"title": "x",', content_type="application/json"
    )
    assert assert_error(response, 400)["code"] == "malformed_json"


def test_invalid_utf8_is_400(api: dict[str | None, ApiClient]) -> None:
    body = '{"title": "园区"}'.encode("gbk")
    response = api["enterprise"].post("/needs", data=body, content_type="application/json")
    assert_error(response, 400)


def test_non_json_body_is_415(api: dict[str | None, ApiClient]) -> None:
    response = api["enterprise"].post("/needs", data="title=x", content_type="text/plain")
    assert_error(response, 415)


def test_oversized_body_is_413(app: Flask, api: dict[str | None, ApiClient]) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge = {**GOOD_NEED, "description": "储" * limit}
    assert_error(api["enterprise"].post("/needs", huge), 413)
    assert db.session.query(Need).count() == 0


def test_body_that_is_not_an_object_is_422(api: dict[str | None, ApiClient]) -> None:
    for body in ([GOOD_NEED], "text", 3):
        assert_error(api["enterprise"].post("/needs", body), 422)


def test_unknown_fields_are_named(api: dict[str | None, ApiClient]) -> None:
    error = assert_error(
        api["enterprise"].post("/needs", {**GOOD_NEED, "titel": "x", "is_admin": True}), 422
    )
    assert error["fields"] == {"titel": "未知字段", "is_admin": "未知字段"}


def test_wrong_types_are_named(api: dict[str | None, ApiClient]) -> None:
    body = {**GOOD_NEED, "min_trl": "7", "budget_max": True, "transfer_modes": "license"}
    error = assert_error(api["enterprise"].post("/needs", body), 422)
    assert set(error["fields"]) == {"min_trl", "budget_max", "transfer_modes"}


def test_rules_of_the_shared_validator_come_back_per_field(
    api: dict[str | None, ApiClient],
) -> None:
    body = {**GOOD_NEED, "summary": "太短", "min_trl": 12, "budget_min": 50, "budget_max": 10}
    error = assert_error(api["enterprise"].post("/needs", body), 422)
    assert {"summary", "min_trl", "budget_max"} <= set(error["fields"])


def test_read_only_fields_cannot_be_written(api: dict[str | None, ApiClient]) -> None:
    error = assert_error(api["enterprise"].post("/needs", {**GOOD_NEED, "view_count": 9}), 422)
    assert "view_count" in error["fields"]
    created = api["enterprise"].post("/needs", GOOD_NEED).json
    patch = api["enterprise"].patch(f"/needs/{created['id']}", {"owner_org_id": 1})
    assert "owner_org_id" in assert_error(patch, 422)["fields"]


def test_unknown_routes_and_methods_answer_json(api: dict[str | None, ApiClient]) -> None:
    assert_error(api[None].get("/no-such-thing"), 404)
    assert_error(api[None].get("/needs/999999"), 404)
    assert_error(api[None].call("PUT", "/needs"), 405)


def test_bad_paging_and_filters_are_422(api: dict[str | None, ApiClient]) -> None:
    assert "page" in assert_error(api[None].get("/needs?page=0"), 422)["fields"]
    assert "per_page" in assert_error(api[None].get("/needs?per_page=abc"), 422)["fields"]
    assert "trl_min" in assert_error(api[None].get("/technologies?trl_min=99"), 422)["fields"]
    assert "kind" in assert_error(api[None].get("/organizations?kind=club"), 422)["fields"]
    assert api[None].get("/needs?per_page=1000").json["per_page"] == 100


def test_html_is_stored_as_data_and_escaped_on_pages(
    client: FlaskClient, api: dict[str | None, ApiClient], people: dict[str, User]
) -> None:
    script = "<script>alert(1)</script>"
    created = api["broker"].post("/organizations", {"name": script, "kind": "enterprise"})
    assert created.status_code == 201
    org_id = created.json["id"]
    assert api[None].get(f"/organizations/{org_id}").json["name"] == script
    page = client.get(f"/orgs/{org_id}")
    assert script not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_ids_beyond_any_row_are_not_found_on_every_method(client: FlaskClient) -> None:
    """An id longer than an id column holds is no row: 404, never a driver overflow (500)."""
    for method in ("GET", "PATCH", "DELETE"):
        response = client.open("/api/v1/needs/41556641710", method=method, json={})
        assert response.status_code == 404, method
    assert client.get("/catalogue/99999999999999999999").status_code == 404


def test_timestamps_are_rfc_3339_with_an_offset(
    client: FlaskClient, people: dict[str, User]
) -> None:
    """The document says date-time; an ISO time without an offset is not one."""
    from datetime import datetime

    from portal.listings.kinds import ListingKind
    from tests.factories import make_published

    need = make_published(ListingKind.NEED, people["enterprise"], people["broker"])
    body = client.get(f"/api/v1/needs/{need.id}").json
    for name in ("created_at", "updated_at", "published_at"):
        assert body[name].endswith("Z"), name
        assert datetime.fromisoformat(body[name]).utcoffset() is not None


def test_json_the_server_cannot_store_is_refused_as_malformed(
    client: FlaskClient, people: dict[str, User]
) -> None:
    """Lone surrogates, NaN and nesting deeper than the parser recurses: 400, never a 500."""
    api = ApiClient(client, None)
    for body in (b'{"text": "\\ud800"}', b'{"text": NaN}', b"[" * 100_000):
        response = api.post("/classify/carbon", data=body, content_type="application/json")
        assert response.status_code == 400, body[:20]
        assert response.json["error"]["code"] == "malformed_json"


def test_integers_beyond_a_column_are_refused(client: FlaskClient, people: dict[str, User]) -> None:
    from portal.api.tokens import issue_token

    token = issue_token(people["broker"], "t").secret
    db.session.commit()
    response = ApiClient(client, token).post(
        "/needs", {"title": "园区储能需求", "summary": "需要储能。", "owner_org_id": 10**30}
    )
    assert response.status_code == 422 and "owner_org_id" in response.json["error"]["fields"]
    assert db.session.query(Need).count() == 0


def test_pages_far_past_the_end_are_empty_not_errors(client: FlaskClient) -> None:
    assert client.get(f"/catalogue/?page={10**20}").status_code == 200
    assert client.get(f"/orgs/?page={10**20}").status_code == 200
    response = client.get(f"/api/v1/technologies?page={10**20}")
    assert response.status_code == 422 and "page" in response.json["error"]["fields"]


def test_ids_beyond_any_row_in_arguments_are_refused_not_overflowed(
    client: FlaskClient, api: dict[str | None, ApiClient], auth: AuthActions
) -> None:
    """A 20-digit id in a query argument or form field overflowed PostgreSQL's INTEGER (500)."""
    for value in ("2432902008176640001", "²"):
        assert "org" in assert_error(api[None].get(f"/needs?org={value}"), 422)["fields"]
        assert client.get(f"/catalogue/?org={value}").status_code == 400
    assert api[None].get("/needs?owner_org_id=2432902008176640001").status_code in (200, 422)
    auth.login("broker@test.xm")
    assert client.get("/roadshows/funnel?roadshow=2432902008176640001").status_code == 400
    assert client.post("/notifications/read", data={"id": "2432902008176640001"}).status_code == 400
