"""The API's error body: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response


class ApiError(Exception):
    """An API request refused with a status, a machine code and a Chinese message.

    `fields` maps a field name to what is wrong with it, so clients can show the
    message beside the input it concerns.
    """

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def invalid(fields: dict[str, Any], message: str = "提交的数据有误") -> ApiError:
    return ApiError(422, "invalid", message, fields)


def not_found(what: str = "对象") -> ApiError:
    return ApiError(404, "not_found", f"{what}不存在")


def error_body(error: ApiError) -> Response:
    response = jsonify(
        {"error": {"code": error.code, "message": error.message, "fields": error.fields}}
    )
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def register_error_handlers(bp: Blueprint) -> None:
    # Other 4xx (unknown routes, 405, 413 raised while reading the body) get the same
    # JSON shape from portal.errors, which answers JSON for every path under /api/.
    bp.register_error_handler(ApiError, error_body)
