"""Column names of import files, in Chinese or English, mapped to listing input fields."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.imports.cells import LABEL_CODES, unguard_formula
from portal.listings.fields import FIELDS, fields_for
from portal.listings.kinds import ListingKind

OWNER_COLUMN = "owner_org"

# Names people give the owner column in spreadsheets; every listing field's names are in
# its specification (`portal.listings.fields`). All are matched after normalize_header.
OWNER_HEADERS = (
    "所属机构",
    "机构",
    "机构名称",
    "单位",
    "单位名称",
    "企业名称",
    "企业",
    "organization",
)
ALIASES: dict[str, tuple[str, ...]] = {
    **{spec.name: spec.headers for spec in FIELDS},
    OWNER_COLUMN: OWNER_HEADERS,
}
# The header exports write for each field: its first spreadsheet name; the owner after the summary.
_EXPORT_ORDER = ("title", "summary", OWNER_COLUMN)
EXPORT_HEADERS: dict[str, str] = {
    name: ALIASES[name][0]
    for name in (*_EXPORT_ORDER, *(spec.name for spec in FIELDS if spec.name not in _EXPORT_ORDER))
}
LIST_FIELDS = tuple(spec.name for spec in FIELDS if spec.json_type == "array")
LIST_SEPARATORS = re.compile(r"[,，;；、\n]+")


def normalize_header(name: str) -> str:
    """'价格（万元）最低 *' -> '价格最低': no units in brackets, spaces, marks or case."""
    name = re.sub(r"[（(][^）)]*[）)]", "", name)
    return re.sub(r"[\s*＊:：_\-]", "", name).lower()


@dataclass(frozen=True)
class ColumnMap:
    fields: dict[int, str]  # column index -> input field (or OWNER_COLUMN)
    ignored: list[str]  # headers that match no field of this kind


def map_columns(headers: list[str], kind: ListingKind) -> ColumnMap:
    """Each header to the first field of `kind` it names; the English field name works too."""
    accepted = [spec.name for spec in fields_for(kind)] + [OWNER_COLUMN]
    lookup: dict[str, str] = {}
    for name in accepted:
        lookup.setdefault(normalize_header(name), name)
        for alias in ALIASES.get(name, ()):
            lookup.setdefault(normalize_header(alias), name)
    fields: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        name = lookup.get(normalize_header(header))
        if name is None or name in fields.values():
            if header:
                ignored.append(header)
            continue
        fields[index] = name
    return ColumnMap(fields, ignored)


def _cell_value(name: str, text: str) -> object:
    codes = LABEL_CODES.get(name, {})
    if name in LIST_FIELDS:
        return [
            codes.get(part.strip(), part.strip())
            for part in LIST_SEPARATORS.split(text)
            if part.strip()
        ]
    return codes.get(text, text)


def row_data(columns: ColumnMap, values: list[str]) -> dict[str, object]:
    """A row as listing input: empty cells left out, lists split, Chinese labels coded."""
    data: dict[str, object] = {}
    for index, name in columns.fields.items():
        text = unguard_formula(values[index].strip()) if index < len(values) else ""
        if text:
            data[name] = _cell_value(name, text)
    return data
