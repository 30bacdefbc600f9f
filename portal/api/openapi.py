"""The OpenAPI 3 document, built from the route table so that it cannot drift from it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from portal.api.fields import json_schema
from portal.api.routing import ApiRoute, Schema

STATUS_TEXT = {
    400: "请求格式错误（如 JSON 无法解析）",
    401: "缺少或无效的令牌",
    403: "无权执行此操作",
    404: "对象不存在",
    409: "与现有数据或流程状态冲突",
    413: "请求体过大",
    415: "请求体须为 JSON",
    422: "字段有误：未知字段、类型错误或不符合业务规则，fields 中逐项说明",
}
FLASK_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "description": "中文说明"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def openapi_path(rule: str) -> str:
    """'/needs/<int:item_id>' -> '/needs/{item_id}'."""
    return FLASK_PARAM.sub(lambda match: "{" + match.group(2) + "}", rule)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(route: ApiRoute) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": match.group(2), "in": "path", "required": True, "schema": {"type": "integer"}}
        for match in FLASK_PARAM.finditer(route.rule)
    ]
    for param in route.query:
        schema: dict[str, Any] = {"type": param.type}
        if param.enum:
            schema["enum"] = list(param.enum)
        parameters.append(
            {
                "name": param.name,
                "in": "query",
                "required": False,
                "description": param.description,
                "schema": schema,
            }
        )
    responses: dict[str, Any] = {}
    if route.response_schema is None:
        responses[str(route.success)] = {"description": "成功"}
    else:
        body = _ref(route.response_schema)
        if route.is_list:
            body = {
                "type": "object",
                "required": ["items", "total", "page", "per_page"],
                "properties": {
                    "items": {"type": "array", "items": body},
                    "total": {"type": "integer"},
                    "page": {"type": "integer"},
                    "per_page": {"type": "integer"},
                },
            }
        responses[str(route.success)] = {
            "description": "成功",
            "content": {"application/json": {"schema": body}},
        }
    for status in route.errors:
        responses[str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": _ref("Error")}},
        }
    operation: dict[str, Any] = {
        "operationId": route.endpoint,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if route.auth == "none":
        operation["security"] = []
    elif route.auth == "optional":
        # Published items need no token; a token also shows the caller's unpublished ones.
        operation["security"] = [{}, {"bearerAuth": []}]
    if route.request_schema is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(route.request_schema)}},
        }
    return operation


def openapi_document(
    routes: Sequence[ApiRoute], schemas: Mapping[str, Schema], server_url: str
) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(openapi_path(route.rule), {})[route.method.lower()] = _operation(route)
    components = {
        name: json_schema(
            schema.fields, writable_only=schema.writable_only, creating=schema.creating
        )
        for name, schema in schemas.items()
    }
    components["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "厦门低碳技术目录与成果转化平台 API",
            "version": "1.0",
            "description": "令牌在“个人资料”页或以 `flask --app wsgi users token EMAIL` 创建，"
            "以 `Authorization: Bearer <令牌>` 发送。",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }
