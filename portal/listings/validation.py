"""Validation of listing data given as plain dicts: the one validator behind forms, API and import.

`validate_listing_data(kind, data)` takes what people send (form strings, JSON values
or spreadsheet cells) under the input field names below and returns `(clean, errors)`:
`clean` maps model attribute names to typed values ready to set on a Technology or
Need; `errors` maps input field names to Chinese messages. Unknown fields are errors,
so a typo in an API body or a column header never passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from email_validator import EmailNotValidError, validate_email

from portal.listings.kinds import IP_STATUSES, TRL_LEVELS, Listing, ListingKind, kind_of
from portal.listings.models import TransferMode
from portal.model_mixins import utcnow
from portal.taxonomy import service as taxonomy_service
from portal.taxonomy.models import GREEN_INDUSTRY_TAXONOMY, PLAN_TAXONOMY

CATALOGUE = frozenset({ListingKind.TECHNOLOGY, ListingKind.PRODUCT})
NEEDS = frozenset({ListingKind.NEED})
ALL_KINDS = CATALOGUE | NEEDS

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
    """Raised by a field parser; its message is shown next to the field."""


Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class FieldSpec:
    name: str  # input field name (form, API, import column)
    attr: str  # model attribute
    kinds: frozenset[ListingKind]
    parse: Parser
    required: bool = False
    empty: Any = None  # the stored value when the field is left empty


def _text(max_length: int, min_length: int = 0) -> Parser:
    def parse(value: Any) -> str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise FieldError("应为文本")
        text = str(value).strip()
        if len(text) > max_length:
            raise FieldError(f"不超过 {max_length} 字（当前 {len(text)} 字）")
        if len(text) < min_length:
            raise FieldError(f"至少 {min_length} 字")
        return text

    return parse


def _string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in LIST_SEPARATORS.split(value) if part.strip()]
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise FieldError("应为文本列表")


def _keywords(value: Any) -> list[str]:
    words = list(dict.fromkeys(_string_list(value)))
    if len(words) > MAX_KEYWORDS:
        raise FieldError(f"关键词不超过 {MAX_KEYWORDS} 个")
    long_words = [w for w in words if len(w) > MAX_KEYWORD_LENGTH]
    if long_words:
        raise FieldError(f"每个关键词不超过 {MAX_KEYWORD_LENGTH} 字：{long_words[0][:40]}")
    return words


def _patent_numbers(value: Any) -> list[str]:
    numbers = [re.sub(r"\s+", "", n).upper() for n in _string_list(value)]
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) > MAX_PATENTS:
        raise FieldError(f"专利号不超过 {MAX_PATENTS} 个")
    bad = [n for n in numbers if not PATENT_NUMBER.match(n)]
    if bad:
        raise FieldError(f"专利号格式不正确：{bad[0][:40]}（例：CN115123456A 或 ZL202110123456.7）")
    return numbers


def _transfer_modes(value: Any) -> list[str]:
    modes = list(dict.fromkeys(_string_list(value)))
    allowed = {mode.value for mode in TransferMode}
    unknown = [m for m in modes if m not in allowed]
    if unknown:
        raise FieldError(f"未知的转化方式：{unknown[0][:40]}")
    return modes


def _trl(value: Any) -> int:
    if isinstance(value, bool):
        raise FieldError("应为 1-9 的整数")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value not in TRL_LEVELS:
        raise FieldError("应为 1-9 的整数")
    return value


def _amount(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise FieldError("应为数字（单位：万元）")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise FieldError("应为数字（单位：万元）") from exc
    if not amount.is_finite() or amount < 0:
        raise FieldError("应为不小于 0 的数字")
    if amount > MAX_AMOUNT:
        raise FieldError("数值过大")
    return amount.quantize(Decimal("0.01"))


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldError("应为日期（YYYY-MM-DD）")
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise FieldError("应为日期（YYYY-MM-DD）") from exc


def _expiry(value: Any) -> date:
    expiry = _date(value)
    today = utcnow().date()
    if expiry <= today:
        raise FieldError("到期日须晚于今天；留空则为发布后 12 个月")
    if expiry > today + LONGEST_EXPIRY:
        raise FieldError("有效期不超过 3 年")
    return expiry


def _email(value: Any) -> str:
    text = _text(254)(value)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldError("邮箱格式不正确") from exc


def _phone(value: Any) -> str:
    text = _text(32)(value)
    if not PHONE.match(text):
        raise FieldError("电话号码格式不正确")
    return text


def _choice(choices: Mapping[str, Any]) -> Parser:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value.strip() not in choices:
            raise FieldError("不是可选的值")
        return value.strip()

    return parse


def _area(taxonomy: str) -> Parser:
    def parse(value: Any) -> int:
        if not isinstance(value, str):
            raise FieldError("应为领域代码")
        area = taxonomy_service.area_by_code(taxonomy, value.strip())
        if area is None:
            raise FieldError(f"未知的领域代码：{value.strip()[:20]}")
        return area.id

    return parse


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "title", ALL_KINDS, _text(200, 2), required=True),
    FieldSpec("summary", "summary", ALL_KINDS, _text(500, 10), required=True),
    FieldSpec("description", "description", ALL_KINDS, _text(20000), empty=""),
    FieldSpec("area", "area_id", ALL_KINDS, _area(PLAN_TAXONOMY)),
    FieldSpec("industry_area", "industry_area_id", ALL_KINDS, _area(GREEN_INDUSTRY_TAXONOMY)),
    FieldSpec("keywords", "keywords", ALL_KINDS, _keywords, empty=[]),
    FieldSpec("trl", "trl", CATALOGUE, _trl),
    FieldSpec("min_trl", "min_trl", NEEDS, _trl),
    FieldSpec("ip_status", "ip_status", CATALOGUE, _choice(IP_STATUSES)),
    FieldSpec("patent_numbers", "patent_numbers", CATALOGUE, _patent_numbers, empty=[]),
    FieldSpec("transfer_modes", "transfer_modes", ALL_KINDS, _transfer_modes, empty=[]),
    FieldSpec("price_min", "price_min", CATALOGUE, _amount),
    FieldSpec("price_max", "price_max", CATALOGUE, _amount),
    FieldSpec("budget_min", "budget_min", NEEDS, _amount),
    FieldSpec("budget_max", "budget_max", NEEDS, _amount),
    FieldSpec("carbon_reduction_amount", "carbon_reduction_amount", CATALOGUE, _amount),
    FieldSpec("carbon_reduction_unit", "carbon_reduction_unit", CATALOGUE, _text(40)),
    FieldSpec("carbon_reduction_basis", "carbon_reduction_basis", CATALOGUE, _text(2000)),
    FieldSpec("advantages", "advantages", CATALOGUE, _text(5000), empty=""),
    FieldSpec("application_scenarios", "application_scenarios", CATALOGUE, _text(5000), empty=""),
    FieldSpec("maturity_evidence", "maturity_evidence", CATALOGUE, _text(5000), empty=""),
    FieldSpec("deadline", "deadline", NEEDS, _date),
    FieldSpec("region", "region", NEEDS, _text(40)),
    FieldSpec("contact_name", "contact_name", ALL_KINDS, _text(80)),
    FieldSpec("contact_email", "contact_email", ALL_KINDS, _email),
    FieldSpec("contact_phone", "contact_phone", ALL_KINDS, _phone),
    FieldSpec("expires_at", "expires_at", ALL_KINDS, _expiry),
)

# Pairs that must be ordered low <= high, checked after each field is valid on its own.
RANGES = (("price_min", "price_max"), ("budget_min", "budget_max"))


def fields_for(kind: ListingKind) -> tuple[FieldSpec, ...]:
    """The input fields a listing of this kind accepts, in form order."""
    return tuple(spec for spec in FIELDS if kind in spec.kinds)


def _is_empty(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str | list | tuple) and not value)
        or (isinstance(value, str) and not value.strip())
    )


def validate_listing_data(
    kind: ListingKind,
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    current: Listing | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check listing data of `kind`; returns `(clean, errors)`.

    With `partial=True` (updates, API PATCH) only the fields present are checked and
    required fields may be absent; `current` supplies the stored values for checks
    across fields (a new price_min against the stored price_max).
    """
    specs = {spec.name: spec for spec in fields_for(kind)}
    errors = {name: "未知字段" for name in data if name not in specs}
    clean: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in data:
            if spec.required and not partial:
                errors[name] = "必填"
            continue
        value = data[name]
        if _is_empty(value):
            if spec.required:
                errors[name] = "必填"
            else:
                clean[spec.attr] = spec.empty
            continue
        try:
            clean[spec.attr] = spec.parse(value)
        except FieldError as exc:
            errors[name] = str(exc)
    for low_name, high_name in RANGES:
        if low_name not in specs or low_name in errors or high_name in errors:
            continue
        low = clean.get(low_name, getattr(current, low_name, None))
        high = clean.get(high_name, getattr(current, high_name, None))
        if low is not None and high is not None and low > high:
            errors[high_name] = "上限不能小于下限"
    return clean, errors


def listing_values(listing: Listing) -> dict[str, Any]:
    """A listing's stored values under the input field names (areas as codes): the inverse of
    `validate_listing_data`, for edit forms, API bodies and exports."""
    values = {spec.name: getattr(listing, spec.attr) for spec in fields_for(kind_of(listing))}
    values["area"] = listing.area.code if listing.area else None
    values["industry_area"] = listing.industry_area.code if listing.industry_area else None
    return values
