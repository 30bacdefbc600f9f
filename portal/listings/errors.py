"""Errors of listing operations, shared by pages, the API and imports."""

from __future__ import annotations


class ListingError(Exception):
    """A listing change the rules refuse.

    `message` is Chinese and shown to users as is; `code` is a stable machine name
    (the API puts it in `error.code`); `fields` maps input field names to messages.
    """

    def __init__(
        self, message: str, code: str = "invalid_state", fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = dict(fields or {})


class ValidationFailed(ListingError):
    """Listing data with one or more invalid fields (`fields` names each)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("提交的信息有误，请按提示修改。", "validation_failed", fields)
