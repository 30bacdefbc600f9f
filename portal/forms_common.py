"""Validators shared by the portal's forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import Field, Form
from wtforms.validators import ValidationError

from portal.organizations.credit_code import credit_code_error, normalize_credit_code

PASSWORD_MIN_LENGTH = 8


class CreditCode:
    """Validates (and normalises in place) an optional 统一社会信用代码 field."""

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return
        field.data = normalize_credit_code(field.data)
        error = credit_code_error(field.data)
        if error:
            raise ValidationError(error)


def strip_filter(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def show_errors(form: Form, errors: Mapping[str, str]) -> None:
    """A service's field refusals beside the inputs they concern."""
    for name, message in errors.items():
        field: Field | None = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
