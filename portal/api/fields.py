"""Field declarations of the API's resources: type checks, unknown fields, OpenAPI schemas.

One declaration per field serves three readers: the request checker (types,
unknown and read-only fields), the serializer's list of attributes, and the
OpenAPI document. Domain rules (ranges, required fields, workflow) stay in the
services; this layer only refuses what is not even the right shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from portal.api.errors import ApiError, invalid


@dataclass(frozen=True)
class Field:
    type: str  # JSON Schema type: string, integer, number, boolean, array, object
    description: Any  # a string, or a lazy one rendered with the document
    nullable: bool = True
    read_only: bool = False
    create_only: bool = False
    enum: tuple[str, ...] | None = None
    format: str | None = None  # "date", "date-time", "email", "uri"
    max_length: int | None = None
    items: str = "string"  # item type of arrays
    # Limits, choices and formats are checked by the domain's own validator, which answers with
    # the same messages as the pages; the API checks only the JSON type.
    checked_by_domain: bool = False


Fields = Mapping[str, Field]

TIMESTAMP_FIELDS: dict[str, Field] = {
    name: Field("string", label, nullable=False, read_only=True, format="date-time")
    for name, label in (("created_at", "创建时间（UTC）"), ("updated_at", "更新时间（UTC）"))
}


# The largest integer a column holds on both databases (PostgreSQL's INTEGER): larger ones
# would overflow the driver instead of being refused.
MAX_INTEGER = 2**31 - 1


def json_timestamp(value: datetime | None) -> str | None:
    """A stored time as RFC 3339 ("2026-12-03T07:14:21.96Z"), which the document's "date-time"
    format requires: the database keeps naive UTC times, and an ISO time without an offset
    is not a valid date-time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat().replace("+00:00", "Z")


TYPE_NAMES = {
    "string": _l("字符串"),
    "integer": _l("整数"),
    "number": _l("数字"),
    "boolean": _l("布尔值"),
    "array": _l("数组"),
    "object": _l("对象"),
}


def json_body() -> Any:
    """The request body as parsed JSON: 415 unless JSON, 413 when too large, 400 if malformed."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise ApiError(
            413, "payload_too_large", _l("请求体超过 %(limit)d KB 上限", limit=limit // 1024)
        )
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", _l("请求体须为 JSON（Content-Type: application/json）")
        )
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ApiError(
            400, "malformed_json", _l("JSON 格式错误：%(error)s", error=str(exc))
        ) from exc
    except RecursionError as exc:  # "[[[[..." nested deeper than the parser recurses
        raise ApiError(400, "malformed_json", _l("JSON 嵌套过深")) from exc
    if not _encodable(data):
        # "\ud800" is valid JSON but no text: the database and the tokenizer refuse it.
        raise ApiError(400, "malformed_json", _l("JSON 中含有无效的 Unicode 字符（孤立代理项）"))
    return data


def _refuse_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python's parser accepts them by default)."""
    raise ValueError(f"{name} is not a JSON number")


def _encodable(value: Any) -> bool:
    """Every string in the parsed body (keys too) can be written as UTF-8."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def _type_error(value: Any, field: Field) -> str | None:
    if value is None:
        return None if field.nullable else _l("不能为空")
    match field.type:
        case "string":
            if not isinstance(value, str):
                return _l("应为字符串")
            if "\x00" in value:  # no text holds a NUL, and PostgreSQL cannot store one
                return _l("不能包含空字符（NUL）")
            if field.checked_by_domain:
                return None
            if field.max_length is not None and len(value) > field.max_length:
                return _l("不超过 %(limit)d 个字符", limit=field.max_length)
            if field.enum is not None and value not in field.enum:
                return _l("应为以下之一：%(choices)s", choices="、".join(field.enum))
            if field.format == "date":
                try:
                    date.fromisoformat(value)
                except ValueError:
                    return _l("日期格式应为 YYYY-MM-DD")
        case "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return _l("应为整数")
            if abs(value) > MAX_INTEGER:
                return _l("超出范围（绝对值不超过 %(limit)d）", limit=MAX_INTEGER)
        case "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return _l("应为数字")
        case "boolean":
            if not isinstance(value, bool):
                return _l("应为布尔值")
        case "array":
            if not isinstance(value, list):
                return _l("应为数组")
            wanted = {"string": str, "integer": int}[field.items]
            if not all(isinstance(item, wanted) and not isinstance(item, bool) for item in value):
                return _l("数组元素应为%(type)s", type=TYPE_NAMES[field.items])
            if field.checked_by_domain:
                return None
            if field.enum is not None and any(item not in field.enum for item in value):
                return _l("元素应为以下之一：%(choices)s", choices="、".join(field.enum))
    return None


def checked_payload(data: Any, fields: Fields, *, creating: bool) -> dict[str, Any]:
    """The body's fields after shape checks; 422 naming every unknown or mistyped field."""
    if not isinstance(data, dict):
        raise invalid({}, _l("请求体应为 JSON 对象"))
    errors: dict[str, str] = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is None:
            errors[name] = _l("未知字段")
        elif field.read_only or (field.create_only and not creating):
            errors[name] = _l("该字段不可修改")
        elif (problem := _type_error(value, field)) is not None:
            errors[name] = problem
    if errors:
        raise invalid(errors)
    return dict(data)


def json_schema(fields: Fields, *, writable_only: bool = False, creating: bool = False) -> dict:
    """A JSON Schema object for the OpenAPI document."""
    properties: dict[str, Any] = {}
    for name, field in fields.items():
        if writable_only and (field.read_only or (field.create_only and not creating)):
            continue
        schema: dict[str, Any] = {"type": field.type, "description": str(field.description)}
        if field.nullable:
            schema["nullable"] = True
        if field.read_only and not writable_only:
            schema["readOnly"] = True
        if field.enum is not None and field.type != "array":
            schema["enum"] = list(field.enum)
        if field.format:
            schema["format"] = field.format
        if field.max_length:
            schema["maxLength"] = field.max_length
        if field.type == "array":
            schema["items"] = {"type": field.items}
            if field.enum is not None:
                schema["items"]["enum"] = list(field.enum)
        properties[name] = schema
    result: dict[str, Any] = {"type": "object", "properties": properties}
    if writable_only:
        result["additionalProperties"] = False
    return result
