"""The refusals services raise, whoever calls them (a page, the API, the CLI, an import).

One small hierarchy. Every error carries a message for people, usually a lazy gettext string
so that it reads in the language of whoever sees it; a stable machine `code` (the API puts it
in `error.code`); and, for bad input, `fields` (input field name -> message). Services never
raise HTTP errors: `portal.errors` maps each class to a status, an error page and the API's
error body in one place, and commands print the message.

    DomainError
    ├── PermissionDenied            the policy refuses the user (403)
    │   └── LoginRequired           ... because nobody is logged in (401)
    ├── NotFound                    no such record, or not one the user may see (404)
    └── Refusal                     the rules refuse what was asked; shown beside the form
        ├── InvalidTransition       the record's state does not allow it (409)
        ├── Conflict                it clashes with other data: a taken name (409)
        └── ValidationFailed        input with invalid fields, each named in `fields` (422)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

# A message is a plain or lazily translated string; anything with __str__ renders.
Message = Any


class DomainError(Exception):
    default_code: ClassVar[str] = "refused"
    default_message: ClassVar[Message] = _l("无法完成此操作。")

    def __init__(
        self,
        message: Message | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Message] | None = None,
    ) -> None:
        self._message = message if message is not None else self.default_message
        self.code = code or self.default_code
        self._fields = dict(fields or {})
        # Kept lazy: rendered when read, in the locale of whoever reads it.
        super().__init__(self._message)

    @property
    def message(self) -> str:
        """The message in the current locale (rendered when read, not when raised)."""
        return str(self._message)

    @property
    def fields(self) -> dict[str, str]:
        return {name: str(text) for name, text in self._fields.items()}

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    default_code = "forbidden"
    default_message = _l("您没有权限执行此操作。")


class LoginRequired(PermissionDenied):
    default_code = "unauthorized"
    default_message = _l("请先登录。")


class NotFound(DomainError):
    default_code = "not_found"
    default_message = _l("页面不存在或已被删除。")


class Refusal(DomainError):
    """A request the rules refuse; the user can act on the message (shown beside the form)."""


class InvalidTransition(Refusal):
    default_code = "invalid_transition"
    default_message = _l("当前状态不允许此操作。")


class Conflict(Refusal):
    default_code = "conflict"
    default_message = _l("与现有数据冲突。")


class ValidationFailed(Refusal):
    default_code = "validation_failed"
    default_message = _l("提交的信息有误，请按提示修改。")

    def __init__(
        self,
        fields: Mapping[str, Message],
        message: Message | None = None,
        *,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code, fields=fields)
