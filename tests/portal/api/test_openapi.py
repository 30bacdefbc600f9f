"""The OpenAPI document lists every API route, and every reference in it resolves."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from portal.api.openapi import openapi_path
from portal.api.routing import API_PREFIX

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def test_every_api_route_is_documented(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX + "/")]
    assert len(rules) >= 16
    for rule in rules:
        path = openapi_path(rule.rule.removeprefix(API_PREFIX))
        for method in rule.methods - IGNORED_METHODS:
            assert method.lower() in document["paths"].get(path, {}), f"{method} {path}"
    documented = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    served = {
        (openapi_path(rule.rule.removeprefix(API_PREFIX)), method.lower())
        for rule in rules
        for method in rule.methods - IGNORED_METHODS
    }
    assert documented == served


def test_references_resolve_and_operations_are_unique(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in document["components"]["schemas"], name
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    need_input = document["components"]["schemas"]["NeedCreate"]
    assert need_input["additionalProperties"] is False
    assert "id" not in need_input["properties"] and "budget_max" in need_input["properties"]
