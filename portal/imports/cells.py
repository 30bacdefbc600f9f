"""Cell text of import and export files: stored values as spreadsheet text, formula guards.

Exports write list fields joined with "、" and codes as the Chinese labels people
read, the same forms the importer accepts, so an exported file imports again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.listings.kinds import IP_STATUSES, TRANSFER_MODE_LABELS

# Spreadsheet programs run a cell beginning with one of these as a formula
# (tab and carriage return start one after Excel trims them).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
LIST_JOINER = "、"

# The labels are msgids, so str() outside a request gives the Chinese the importer reads.
CODE_LABELS: dict[str, dict[str, str]] = {
    "transfer_modes": {code: str(label) for code, label in TRANSFER_MODE_LABELS.items()},
    "ip_status": {code: str(label) for code, label in IP_STATUSES.items()},
}
LABEL_CODES: dict[str, dict[str, str]] = {
    name: {label: code for code, label in labels.items()} for name, labels in CODE_LABELS.items()
}


def guard_formula(text: str) -> str:
    """'=HYPERLINK(...)' -> "'=HYPERLINK(...)": shown as text, never evaluated."""
    return FORMULA_GUARD + text if text.startswith(FORMULA_PREFIXES) else text


def unguard_formula(text: str) -> str:
    """The inverse of `guard_formula`, so guarded values such as '+86 ...' import unchanged."""
    if text.startswith(FORMULA_GUARD) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _scalar_text(field: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 50.00 -> "50"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return CODE_LABELS.get(field, {}).get(text, text)


def cell_text(field: str, value: object) -> str:
    """A stored (or parsed) value of input field `field` as the text of one cell."""
    if isinstance(value, list | tuple):
        return LIST_JOINER.join(_scalar_text(field, item) for item in value)
    return _scalar_text(field, value)
