"""Refusals of the API's own protocol (token, body shape, media type) with their status.

Domain refusals come from the services as `portal.domain_errors`; `portal.errors` renders both
as `{"error": {"code", "message", "fields"}}`.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class ApiError(Exception):
    """An API request refused with a status, a machine code and a message.

    The message (and each of `fields`, field name -> what is wrong with it, so clients can
    show it beside the input) may be a lazy gettext string: it is rendered when read, in
    the caller's language.
    """

    def __init__(
        self, status: int, code: str, message: Any, fields: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self._message = message
        self._fields = dict(fields or {})

    @property
    def message(self) -> str:
        return str(self._message)

    @property
    def fields(self) -> dict[str, str]:
        return {name: str(problem) for name, problem in self._fields.items()}


def invalid(fields: dict[str, Any], message: Any = None) -> ApiError:
    return ApiError(422, "invalid", message or _l("提交的数据有误"), fields)


def not_found(what: Any = None) -> ApiError:
    """`what` names the missing thing (a lazy string, so it is translated too)."""
    return ApiError(404, "not_found", _l("%(what)s不存在", what=what or _l("对象")))
