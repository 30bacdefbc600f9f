"""Refusals of the API's own protocol (token, body shape, media type) with their status.

Domain refusals come from the services as `portal.domain_errors`; `portal.errors` renders both
as `{"error": {"code", "message", "fields"}}`.
"""

from __future__ import annotations

from typing import Any


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
