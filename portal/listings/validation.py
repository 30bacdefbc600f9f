"""Validation of listing data given as plain dicts: the one validator behind forms, API and import.

`validate_listing_data(kind, data)` takes what people send (form strings, JSON values
or spreadsheet cells) under the input field names of `portal.listings.fields` and returns
`(clean, errors)`: `clean` maps model attribute names to typed values ready to set on a
Technology or Need; `errors` maps input field names to messages. Unknown fields are errors,
so a typo in an API body or a column header never passes silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.listings.fields import RANGES, fields_for
from portal.listings.kinds import Listing, ListingKind, kind_of
from portal.listings.parsers import FieldError


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
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check listing data of `kind`; returns `(clean, errors)`.

    With `partial=True` (updates, API PATCH) only the fields present are checked and
    required fields may be absent; `current` supplies the stored values for checks
    across fields (a new price_min against the stored price_max).
    """
    specs = {spec.name: spec for spec in fields_for(kind)}
    errors: dict[str, Any] = {name: _l("未知字段") for name in data if name not in specs}
    clean: dict[str, Any] = {}
    for name, spec in specs.items():
        if name not in data:
            if spec.required and not partial:
                errors[name] = _l("必填")
            continue
        value = data[name]
        if _is_empty(value):
            if spec.required:
                errors[name] = _l("必填")
            else:
                clean[spec.model_attr] = spec.empty
            continue
        try:
            clean[spec.model_attr] = spec.parse(value)
        except FieldError as exc:
            errors[name] = exc.message
    for low_name, high_name in RANGES:
        if low_name not in specs or low_name in errors or high_name in errors:
            continue
        low = clean.get(low_name, getattr(current, low_name, None))
        high = clean.get(high_name, getattr(current, high_name, None))
        if low is not None and high is not None and low > high:
            errors[high_name] = _l("上限不能小于下限")
    return clean, errors


def listing_values(listing: Listing) -> dict[str, Any]:
    """A listing's stored values under the input field names (areas as codes): the inverse of
    `validate_listing_data`, for edit forms, API bodies and exports."""
    values = {spec.name: getattr(listing, spec.model_attr) for spec in fields_for(kind_of(listing))}
    values["area"] = listing.area.code if listing.area else None
    values["industry_area"] = listing.industry_area.code if listing.industry_area else None
    return values
