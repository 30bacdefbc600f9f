"""POST /api/v1/classify/carbon and /classify/area: answers, and the bad input they refuse."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import User
from portal.classification.classifiers import MAX_TEXT_CHARS
from tests.factories import AuthActions

ROUTES = ["/api/v1/classify/carbon", "/api/v1/classify/area"]


def test_carbon_type_of_a_text_with_reasons(app: Flask, client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/classify/carbon",
        json={"text": "碳汇造林与二氧化碳捕集封存：燃煤电厂烟气二氧化碳捕集、利用与封存（CCUS）"},
    )
    assert response.status_code == 200
    body = response.json
    assert body["carbon_type"] == "negative"
    assert 0 < body["confidence"] <= 1
    assert any("负碳" in reason for reason in body["reasons"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("屋顶分布式光伏发电系统，工商业屋顶分布式光伏发电与储能一体化，余电上网", "zero"),
        ("工业余热回收：工业锅炉余热回收与节能改造，降低能耗", "low"),
        ("今天天气不错，适合去海边散步", "none"),
    ],
)
def test_each_type(app: Flask, client: FlaskClient, text: str, expected: str) -> None:
    assert client.post("/api/v1/classify/carbon", json={"text": text}).json["carbon_type"] == (
        expected
    )


def test_area_candidates_from_both_taxonomies(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/v1/classify/area", json={"text": "屋顶分布式光伏发电"})
    assert response.status_code == 200
    candidates = response.json["candidates"]
    plan = [c for c in candidates if c["taxonomy"] == "plan"]
    green = [c for c in candidates if c["taxonomy"] == "green-industry-2019"]
    assert len(plan) == 3 and len(green) == 3
    assert plan[0]["code"] == "A01.01" and plan[0]["name"] == "新能源发电技术"
    assert set(plan[0]) == {"taxonomy", "code", "name", "score"}
    assert [c["score"] for c in plan] == sorted((c["score"] for c in plan), reverse=True)
    assert green[0]["code"].startswith("3.")  # 清洁能源产业


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({}, "text"),
        ({"text": 42}, "text"),
        ({"text": None}, "text"),
        ({"text": "光伏", "extra": 1}, "extra"),
    ],
)
def test_empty_or_mistyped_text_is_422(
    app: Flask, client: FlaskClient, route: str, body: dict[str, object], field: str
) -> None:
    response = client.post(route, json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


@pytest.mark.parametrize("route", ROUTES)
def test_not_json_is_refused(app: Flask, client: FlaskClient, route: str) -> None:
    malformed = client.post(route, data="{text: 光伏", content_type="application/json")
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "malformed_json"
    form = client.post(route, data={"text": "光伏"})
    assert form.status_code == 415
    array = client.post(route, json=["光伏"])
    assert array.status_code == 422


@pytest.mark.parametrize("route", ROUTES)
def test_huge_text_is_413(app: Flask, client: FlaskClient, route: str) -> None:
    too_long = client.post(route, json={"text": "光伏" * MAX_TEXT_CHARS})
    assert too_long.status_code == 413 and too_long.json["error"]["code"] == "payload_too_large"
    over_body_limit = client.post(route, json={"text": "x" * (2 * 1024 * 1024)})
    assert over_body_limit.status_code == 413
    at_limit = client.post(route, json={"text": "光" * MAX_TEXT_CHARS})
    assert at_limit.status_code == 200


def test_html_in_text_is_only_text(app: Flask, client: FlaskClient) -> None:
    text = '<script>alert("x")</script><img src=x onerror=alert(1)> 光伏发电'
    carbon = client.post("/api/v1/classify/carbon", json={"text": text})
    area = client.post("/api/v1/classify/area", json={"text": text})
    assert carbon.status_code == 200 and area.status_code == 200
    assert carbon.mimetype == "application/json"
    assert "<script>" not in carbon.get_data(as_text=True)


def test_open_to_visitors_and_documented(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    for route in ROUTES:
        operation = document["paths"][route.removeprefix("/api/v1")]["post"]
        assert operation["security"] == []
        assert {"400", "413", "415", "422"} <= set(operation["responses"])
    assert document["components"]["schemas"]["ClassifyText"]["additionalProperties"] is False


def test_session_callers_need_the_csrf_token(
    app: Flask, client: FlaskClient, people: dict[str, User], auth: AuthActions
) -> None:
    auth.login("researcher@test.xm")
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/classify/area", json={"text": "光伏"})
    assert response.status_code == 400
