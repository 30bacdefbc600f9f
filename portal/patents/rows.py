"""One row of an export -> a validated patent record, or the problems that reject it.

A record holds only what the row gave: a field left None was not in the file or was empty,
so merging two records (the same patent twice, or a file over a stored patent) lets the
newer data win field by field without blanking what the older one knew.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.imports.cells import unguard_formula
from portal.patents.formats import ColumnMapping
from portal.patents.models import PatentType
from portal.patents.numbers import (
    FormatError,
    normalize_classification,
    normalize_name,
    parse_date,
    parse_publication_number,
)
from portal.patents.regions import region_of

MAX_TEXT = {"title": 1000, "abstract": 20000, "applicant": 300, "address": 500, "source": 200}
MAX_LIST = 200  # applicants, inventors or codes of one patent

_TYPE_WORDS: tuple[tuple[str, PatentType], ...] = (
    ("外观", PatentType.DESIGN),
    ("实用新型", PatentType.UTILITY_MODEL),
    ("发明授权", PatentType.INVENTION_GRANT),
    ("授权", PatentType.INVENTION_GRANT),
    ("发明", PatentType.INVENTION_APPLICATION),  # 发明申请, 发明公布
    ("GRANTED", PatentType.INVENTION_GRANT),
    ("APPLICATION", PatentType.INVENTION_APPLICATION),
    ("DESIGN", PatentType.DESIGN),
    ("UTILITY", PatentType.UTILITY_MODEL),
)
# Chinese kind codes: A published application, B granted invention, U utility model, S design.
_CN_KIND_TYPES = {
    "A": PatentType.INVENTION_APPLICATION,
    "B": PatentType.INVENTION_GRANT,
    "C": PatentType.INVENTION_GRANT,
    "U": PatentType.UTILITY_MODEL,
    "Y": PatentType.UTILITY_MODEL,
    "S": PatentType.DESIGN,
}
_COUNTRY_NAMES = {"中国": "CN", "中国台湾": "TW", "中国香港": "HK", "中国澳门": "MO"}


@dataclass
class PatentRecord:
    publication_number: str
    country: str
    kind_code: str
    title: str
    row: int  # the first row that named this patent
    application_number: str | None = None
    patent_type: PatentType | None = None
    abstract: str | None = None
    applicants: list[str] | None = None
    inventors: list[str] | None = None
    ipc: list[str] | None = None
    ipc_main: str | None = None
    cpc: list[str] | None = None
    application_date: date | None = None
    priority_date: date | None = None
    publication_date: date | None = None
    grant_date: date | None = None
    application_year: int | None = None
    priority_year: int | None = None
    legal_status_source: str | None = None
    applicant_address: str | None = None
    province: str | None = None
    city: str | None = None
    cited_by_count: int | None = None
    family_size: int | None = None
    warnings: list[str] = field(default_factory=list)

    def merge(self, newer: PatentRecord) -> None:
        """Take every field `newer` knows; keep the rest."""
        for spec in fields(self):
            if spec.name in ("row", "warnings", "publication_number"):
                continue
            value = getattr(newer, spec.name)
            if value not in (None, "", []):
                setattr(self, spec.name, value)
        self.warnings.extend(newer.warnings)


@dataclass(frozen=True)
class RowProblem:
    row: int
    header: str
    reason: str

    @property
    def text(self) -> str:
        return f"{self.header}: {self.reason}" if self.header else self.reason


class _Row:
    """Cell access by field for one source row, collecting problems instead of stopping."""

    def __init__(self, mapping: ColumnMapping, number: int, values: list[str]) -> None:
        self.mapping, self.number, self.values = mapping, number, values
        self.problems: list[RowProblem] = []

    def text(self, name: str) -> str:
        index = self.mapping.columns.get(name)
        if index is None or index >= len(self.values):
            return ""
        return unguard_formula(self.values[index].strip())

    def fail(self, name: str, reason: object) -> None:
        header = self.mapping.header_of(name) if name in self.mapping.columns else ""
        self.problems.append(RowProblem(self.number, header, str(reason)))

    def split(self, name: str, separator: str = "") -> list[str] | None:
        text = self.text(name)
        if not text:
            return None
        parts = re.split(separator or self.mapping.export_format.separator, text)
        unique = list(dict.fromkeys(p.strip() for p in parts if p.strip()))  # Lens repeats
        if len(unique) > MAX_LIST:
            self.fail(name, _l("超过 %(limit)d 项", limit=MAX_LIST))
            return unique[:MAX_LIST]
        return unique

    def date(self, name: str) -> date | None:
        text = self.text(name)
        if not text:
            return None
        try:
            return parse_date(text)
        except FormatError as exc:
            self.fail(name, exc)
            return None

    def count(self, name: str) -> int | None:
        text = self.text(name)
        if not text:
            return None
        if not re.fullmatch(r"\d{1,7}(\.0)?", text):
            self.fail(name, _l("应为非负整数：%(value)s", value=text[:20]))
            return None
        return int(float(text))

    def year(self, name: str) -> int | None:
        text = self.text(name)
        if not text:
            return None
        if not re.fullmatch(r"(1[89]|20)\d\d(\.0)?", text):
            self.fail(name, _l("年份格式不正确：%(value)s", value=text[:20]))
            return None
        return int(float(text))

    def codes(self, name: str) -> list[str] | None:
        parts = self.split(name)
        if parts is None:
            return None
        codes = []
        for part in parts:
            try:
                codes.append(normalize_classification(part))
            except FormatError as exc:
                self.fail(name, exc)
        return list(dict.fromkeys(codes))

    def code(self, name: str) -> str | None:
        codes = self.codes(name)
        return codes[0] if codes else None


def _country(row: _Row) -> str:
    text = row.text("country")
    if re.fullmatch(r"[A-Za-z]{2}", text):
        return text.upper()
    return _COUNTRY_NAMES.get(text, row.mapping.export_format.default_country)


def _patent_type(row: _Row, country: str, kind: str) -> PatentType | None:
    text = (row.text("patent_type") or row.text("document_type")).upper()
    for word, patent_type in _TYPE_WORDS:
        if text and word in text:
            return patent_type
    if country == "CN" and kind:
        return _CN_KIND_TYPES.get(kind[0])
    return None


def _clip(text: str, limit: int) -> str:
    return text[:limit]


def parse_row(mapping: ColumnMapping, number: int, values: list[str]) -> PatentRecord | RowProblem:
    """The row as a record, or its first problem; every problem of the row is in the reason."""
    row = _Row(mapping, number, values)
    raw_number = row.text("publication_number") or row.text("publication_number_alt")
    title = row.text("title") or row.text("title_en")
    number_parsed = None
    if not raw_number:
        row.fail("publication_number", _l("缺少公开号"))
    else:
        try:
            number_parsed = parse_publication_number(raw_number, _country(row))
        except FormatError as exc:
            row.fail("publication_number", exc)
    if not title:
        row.fail("title", _l("缺少标题"))
    record = PatentRecord(
        publication_number=number_parsed.text if number_parsed else "",
        country=number_parsed.country if number_parsed else "",
        kind_code=(row.text("kind_code").upper()[:2] or number_parsed.kind)
        if number_parsed
        else "",
        title=_clip(title, MAX_TEXT["title"]),
        row=number,
        application_number=row.text("application_number")[:40] or None,
        abstract=_clip(row.text("abstract") or row.text("abstract_en"), MAX_TEXT["abstract"])
        or None,
        inventors=row.split("inventors", mapping.export_format.inventor_separator),
        ipc=row.codes("ipc"),
        ipc_main=row.code("ipc_main"),
        cpc=row.codes("cpc"),
        application_date=row.date("application_date"),
        priority_date=row.date("priority_date"),
        publication_date=row.date("publication_date"),
        grant_date=row.date("grant_date"),
        application_year=row.year("application_year"),
        priority_year=row.year("priority_year"),
        applicant_address=_clip(row.text("applicant_address"), MAX_TEXT["address"]) or None,
        cited_by_count=row.count("cited_by_count"),
        family_size=row.count("family_size"),
    )
    applicants = row.split("applicants")
    if applicants:
        record.applicants = [
            _clip(a, MAX_TEXT["applicant"]) for a in applicants if normalize_name(a)
        ]
    status = row.text("legal_status") or row.text("legal_validity")
    record.legal_status_source = _clip(status, MAX_TEXT["source"]) or None
    if number_parsed:
        record.patent_type = _patent_type(row, number_parsed.country, record.kind_code)
    _fill_years_and_region(row, record)
    if row.problems:
        first, *rest = row.problems
        reason = "; ".join(p.text for p in row.problems)
        return RowProblem(number, first.header, reason if rest else first.reason)
    return record


def _fill_years_and_region(row: _Row, record: PatentRecord) -> None:
    if record.application_date:
        record.application_year = record.application_date.year
    if record.priority_date:
        record.priority_year = record.priority_date.year
    if (
        record.application_date
        and record.publication_date
        and record.publication_date < record.application_date
    ):
        record.warnings.append(str(_l("第 %(row)d 行：公开日早于申请日，请核对", row=record.row)))
    region = region_of(
        province=row.text("province"),
        code=row.text("province_code"),
        address=record.applicant_address or "",
        city=row.text("city"),
    )
    record.province, record.city = region.province, region.city
