"""Error pages speak the user's language; the API answers JSON error bodies."""

from flask import Flask
from flask.testing import FlaskClient


def _add_failing_routes(app: Flask) -> None:
    def boom() -> str:
        raise RuntimeError("unexpected")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)


def test_unexpected_error_is_a_500_page_in_chinese(app: Flask, client: FlaskClient) -> None:
    _add_failing_routes(app)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "服务器内部错误" in response.get_data(as_text=True)


def test_unexpected_api_error_is_json(app: Flask, client: FlaskClient) -> None:
    _add_failing_routes(app)
    response = client.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_server_error"


def test_not_found_in_english_when_chosen(client: FlaskClient) -> None:
    client.post("/auth/locale/en", data={"next": "/"})
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


def test_api_404_is_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["code"] == "not_found" and body["error"]["message"]
