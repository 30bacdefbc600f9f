"""Parsers of listing field values: each turns what people send into a typed value or raises.

A parser takes a form string, a JSON value or a spreadsheet cell and returns the value to store,
or raises `FieldError` with the message shown beside the field (a lazy gettext string, so it
reads in the language of whoever sees it). `portal.listings.fields` names one parser per field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from portal.listings.kinds import TRL_LEVELS
from portal.listings.models import TransferMode
from portal.model_mixins import utcnow
from portal.taxonomy import service as taxonomy_service

MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 30
MAX_PATENTS = 30
MAX_AMOUNT = Decimal("9999999999")  # fits Numeric(14, 2)
LONGEST_EXPIRY = timedelta(days=3 * 366)
# Keywords and patent numbers may come as one string: split on ASCII and Chinese separators.
LIST_SEPARATORS = re.compile(r"[,，;；、\n]+")
# CN publication/application numbers as people write them: CN115123456A, ZL202110123456.7, ...
PATENT_NUMBER = re.compile(r"^(CN|ZL)?\d{8,13}(\.\d|[A-Z]\d?)?$")
PHONE = re.compile(r"^\+?[\d\- ()]{5,32}$")


class FieldError(ValueError):
    """Raised by a parser; its message (a lazy string) is shown next to the field."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


Parser = Callable[[Any], Any]


def text(max_length: int, min_length: int = 0) -> Parser:
    def parse(value: Any) -> str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise FieldError(_l("应为文本"))
        stripped = str(value).strip()
        if len(stripped) > max_length:
            raise FieldError(
                _l(
                    "不超过 %(limit)d 字（当前 %(length)d 字）",
                    limit=max_length,
                    length=len(stripped),
                )
            )
        if len(stripped) < min_length:
            raise FieldError(_l("至少 %(limit)d 字", limit=min_length))
        return stripped

    return parse


def string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise FieldError(_l("应为文本列表"))


def keywords(value: Any) -> list[str]:
    words = list(dict.fromkeys(string_list(value)))
    if len(words) > MAX_KEYWORDS:
        raise FieldError(_l("关键词不超过 %(limit)d 个", limit=MAX_KEYWORDS))
    long_words = [w for w in words if len(w) > MAX_KEYWORD_LENGTH]
    if long_words:
        raise FieldError(
            _l(
                "每个关键词不超过 %(limit)d 字：%(word)s",
                limit=MAX_KEYWORD_LENGTH,
                word=long_words[0][:40],
            )
        )
    return words


def patent_numbers(value: Any) -> list[str]:
    numbers = [re.sub(r"\s+", "", n).upper() for n in string_list(value)]
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) > MAX_PATENTS:
        raise FieldError(_l("专利号不超过 %(limit)d 个", limit=MAX_PATENTS))
    bad = [n for n in numbers if not PATENT_NUMBER.match(n)]
    if bad:
        raise FieldError(
            _l(
                "专利号格式不正确：%(number)s（例：CN115123456A 或 ZL202110123456.7）",
                number=bad[0][:40],
            )
        )
    return numbers


def transfer_modes(value: Any) -> list[str]:
    modes = list(dict.fromkeys(string_list(value)))
    allowed = {mode.value for mode in TransferMode}
    unknown = [m for m in modes if m not in allowed]
    if unknown:
        raise FieldError(_l("未知的转化方式：%(mode)s", mode=unknown[0][:40]))
    return modes


def trl(value: Any) -> int:
    if isinstance(value, bool):
        raise FieldError(_l("应为 1-9 的整数"))
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value not in TRL_LEVELS:
        raise FieldError(_l("应为 1-9 的整数"))
    return value


def amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldError(_l("应为数字（单位：万元）"))
    try:
        parsed = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise FieldError(_l("应为数字（单位：万元）")) from exc
    if not parsed.is_finite() or parsed < 0:
        raise FieldError(_l("应为不小于 0 的数字"))
    if parsed > MAX_AMOUNT:
        raise FieldError(_l("数值过大"))
    return parsed.quantize(Decimal("0.01"))


def day(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldError(_l("应为日期（YYYY-MM-DD）"))
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise FieldError(_l("应为日期（YYYY-MM-DD）")) from exc


def expiry(value: Any) -> date:
    expiry = day(value)
    today = utcnow().date()
    if expiry <= today:
        raise FieldError(_l("到期日须晚于今天；留空则为发布后 12 个月"))
    if expiry > today + LONGEST_EXPIRY:
        raise FieldError(_l("有效期不超过 3 年"))
    return expiry


def email(value: Any) -> str:
    address = text(254)(value)
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldError(_l("邮箱格式不正确")) from exc


def phone(value: Any) -> str:
    number = text(32)(value)
    if not PHONE.match(number):
        raise FieldError(_l("电话号码格式不正确"))
    return number


def choice(choices: Mapping[str, Any]) -> Parser:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value.strip() not in choices:
            raise FieldError(_l("不是可选的值"))
        return value.strip()

    return parse


def area(taxonomy: str) -> Parser:
    def parse(value: Any) -> int:
        if not isinstance(value, str):
            raise FieldError(_l("应为领域代码"))
        found = taxonomy_service.area_by_code(taxonomy, value.strip())
        if found is None:
            raise FieldError(_l("未知的领域代码：%(code)s", code=value.strip()[:20]))
        return found.id

    return parse
