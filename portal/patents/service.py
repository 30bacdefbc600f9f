"""Importing patent exports: read, map, validate, merge, and write all rows or none.

`import_patents` is the one entry point (the CLI, the API and a background job call it); it
flushes and never commits. Rows are written with bulk statements because an export holds
tens of thousands of patents; a progress callback hears `(phase, done, total)` as it goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from portal.bulk_insert import insert_rows, reserve_ids
from portal.extensions import db
from portal.imports.tables import Table, TableError, read_table
from portal.model_mixins import utcnow
from portal.outbox.service import record_bulk_changes
from portal.patents.formats import ColumnMapping, UnknownLayout, detect_format, normalize_header
from portal.patents.green import green_topics
from portal.patents.legal_status import LegalStatus, normalize_legal_status
from portal.patents.models import (
    ClassificationScheme,
    Patent,
    PatentApplicant,
    PatentClassification,
    PatentType,
)
from portal.patents.numbers import ipc_main_group, normalize_name
from portal.patents.rows import PatentRecord, RowProblem, parse_row
from portal.patents.tagging import patent_text, tag_texts

MAX_ROWS = 200_000
CHUNK = 1000
Progress = Callable[[str, int, int], None]  # phase ("read", "check", "write"), done, total


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


class FileRejected(Exception):
    """The whole file is refused (unreadable, unknown layout, too long); str() says why."""


@dataclass(frozen=True)
class MergeNote:
    row: int
    publication_number: str
    into_row: int | None  # None: merged into the stored patent


@dataclass
class ImportReport:
    filename: str
    format_key: str
    format_label: str
    encoding: str
    total: int = 0
    imported: int = 0  # new patents written
    updated: int = 0  # stored patents the file updated
    merged: list[MergeNote] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mapped_columns: dict[str, str] = field(default_factory=dict)  # field -> header
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "merged": len(self.merged),
            "rejected": [
                {"row": r.row, "column": r.header, "reason": r.reason} for r in self.rejected
            ],
            "warnings": self.warnings,
            "format": self.format_key,
            "rows": self.total,
        }


def read_export(filename: str, data: bytes) -> tuple[Table, ColumnMapping]:
    """The file's table (CSV in any encoding the portal reads, or Excel values) and mapping."""
    try:
        table = read_table(filename, data)
    except TableError as exc:
        raise FileRejected(str(exc)) from exc
    mapping = _detect(table)
    if len(table.rows) > MAX_ROWS:
        raise FileRejected(str(_l("文件超过 %(limit)d 行，请拆分后分批导入", limit=MAX_ROWS)))
    return table, mapping


def _detect(table: Table) -> ColumnMapping:
    # Google Patents writes "search URL:,<url>" above the header.
    if table.headers and normalize_header(table.headers[0]) == "searchurl:" and table.rows:
        table.headers, table.rows = table.rows[0].values, table.rows[1:]
    try:
        return detect_format(table.headers)
    except UnknownLayout as exc:
        raise FileRejected(str(exc)) from exc


def check_rows(
    table: Table, mapping: ColumnMapping, progress: Progress = _no_progress
) -> tuple[dict[str, PatentRecord], list[RowProblem], list[MergeNote]]:
    """Every row validated; records by publication number, later rows merged into earlier."""
    records: dict[str, PatentRecord] = {}
    rejected: list[RowProblem] = []
    merged: list[MergeNote] = []
    total = len(table.rows)
    for done, source in enumerate(table.rows, start=1):
        parsed = parse_row(mapping, source.number, source.values)
        if isinstance(parsed, RowProblem):
            rejected.append(parsed)
        elif parsed.publication_number in records:
            first = records[parsed.publication_number]
            first.merge(parsed)
            merged.append(MergeNote(parsed.row, parsed.publication_number, first.row))
        else:
            records[parsed.publication_number] = parsed
        if done % CHUNK == 0 or done == total:
            progress("check", done, total)
    return records, rejected, merged


def import_patents(
    filename: str,
    data: bytes,
    *,
    source: str = "",
    is_demo: bool = False,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import an export: with any rejected row nothing is written and `imported` is 0.

    Raises FileRejected when the file as a whole cannot be used. Flushes; the caller commits.
    """
    progress("read", 0, 1)
    table, mapping = read_export(filename, data)
    progress("read", 1, 1)
    report = ImportReport(
        filename=filename,
        format_key=mapping.export_format.key,
        format_label=mapping.export_format.label,
        encoding=table.encoding,
        total=len(table.rows),
        dry_run=dry_run,
        mapped_columns={name: mapping.header_of(name) for name in mapping.columns},
        ignored_columns=mapping.ignored,
    )
    records, report.rejected, report.merged = check_rows(table, mapping, progress)
    for record in records.values():
        report.warnings.extend(record.warnings)
    stored = _stored_ids(list(records))
    report.merged.extend(
        MergeNote(records[number].row, number, None) for number in records if number in stored
    )
    if report.rejected:
        return report
    new = [r for n, r in records.items() if n not in stored]
    old = [r for n, r in records.items() if n in stored]
    report.imported, report.updated = len(new), len(old)
    if not dry_run:
        label = source or f"{mapping.export_format.label}: {filename}"[:300]
        _write(new, old, stored, label, is_demo, progress)
    return report


def _stored_ids(numbers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        rows = db.session.execute(
            select(Patent.publication_number, Patent.id).where(Patent.publication_number.in_(chunk))
        )
        found.update({number: patent_id for number, patent_id in rows})
    return found


# Record fields stored as they are on the patent row.
_PLAIN_FIELDS = (
    "application_number", "abstract", "inventors", "application_date", "priority_date",
    "publication_date", "grant_date", "application_year", "priority_year",
    "applicant_address", "province", "city", "cited_by_count", "family_size",
)  # fmt: skip


def _patent_values(record: PatentRecord) -> dict[str, Any]:
    """The patent-row columns the record knows (None: not in the file, left as stored)."""
    values: dict[str, Any] = {
        "country": record.country,
        "kind_code": record.kind_code,
        "title": record.title,
    }
    for name in _PLAIN_FIELDS:
        value = getattr(record, name)
        if value is not None:
            values[name] = value
    if record.patent_type is not None:
        values["patent_type"] = record.patent_type
    if record.legal_status_source is not None:
        values["legal_status_source"] = record.legal_status_source
        values["legal_status"] = normalize_legal_status(record.legal_status_source)
    if record.ipc is not None or record.cpc is not None or record.ipc_main is not None:
        values.update(code_derived_values(_codes(record)))
    return values


def code_derived_values(codes: list[tuple[ClassificationScheme, str]]) -> dict[str, Any]:
    """Columns that follow from a patent's codes: its green topics."""
    topics = green_topics([(scheme.value, code) for scheme, code in codes])
    return {"green_topics": topics, "is_green": bool(topics)}


# Every column a new row may lack: a multi-row INSERT needs the same keys in every row.
_NEW_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(_PLAIN_FIELDS),
    "legal_status": LegalStatus.UNKNOWN,
    "abstract": "",
    "inventors": [],
    "patent_type": PatentType.UNKNOWN,
    "legal_status_source": "",
    "green_topics": [],
    "is_green": False,
    "carbon_type": None,
    "plan_area": None,
}


def _text_tags(records: list[PatentRecord], *, stored: bool) -> list[dict[str, Any]]:
    """Carbon type and plan field of each record; {} for a stored patent the file gives no
    abstract for: its tags, from the stored abstract, stay."""
    tags = tag_texts([patent_text(r.title, r.abstract) for r in records])
    return [
        {}
        if stored and r.abstract is None
        else {"carbon_type": t.carbon_type, "plan_area": t.plan_area}
        for r, t in zip(records, tags, strict=True)
    ]


def _main_ipc(record: PatentRecord) -> str | None:
    """The main IPC code; a main column giving only the subclass ("H04L", as Patentics and
    PatSnap's 主分类号(小类) do) names the first listed code of that subclass."""
    main, listed = record.ipc_main, record.ipc or []
    if main and len(main) == 4:
        return next((code for code in listed if code.startswith(main)), main)
    return main or (listed[0] if listed else None)


def _codes(record: PatentRecord) -> list[tuple[ClassificationScheme, str]]:
    ipc = list(record.ipc or [])
    main = _main_ipc(record)
    if main and main not in ipc:
        ipc.insert(0, main)
    codes = [(ClassificationScheme.IPC, code) for code in ipc]
    return codes + [(ClassificationScheme.CPC, code) for code in record.cpc or []]


def _write(
    new: list[PatentRecord],
    old: list[PatentRecord],
    stored: dict[str, int],
    source: str,
    is_demo: bool,
    progress: Progress,
) -> None:
    total, done = len(new) + len(old), 0
    ids = dict(stored)
    new_ids = reserve_ids(Patent.__table__, len(new))
    ids.update(zip((r.publication_number for r in new), new_ids, strict=True))
    now = utcnow()
    for chunk in _chunks(new):
        rows = [
            {**_NEW_DEFAULTS, **_patent_values(r), **tags, "id": ids[r.publication_number],
             "publication_number": r.publication_number, "source": source, "is_demo": is_demo,
             "created_at": now, "updated_at": now}
            for r, tags in zip(chunk, _text_tags(chunk, stored=False), strict=True)
        ]  # fmt: skip
        columns = tuple(rows[0])  # every row has the same keys (_NEW_DEFAULTS)
        insert_rows(Patent.__table__, columns, [tuple(row.values()) for row in rows])
        _write_children(chunk, ids, replace=False)
        done += len(chunk)
        progress("write", done, total)
    for chunk in _chunks(old):
        db.session.execute(
            update(Patent),
            [
                {"id": ids[r.publication_number], **_patent_values(r), **tags, "source": source}
                for r, tags in zip(chunk, _text_tags(chunk, stored=True), strict=True)
            ],
        )
        _write_children(chunk, ids, replace=True)
        done += len(chunk)
        progress("write", done, total)
    # The search index holds patents (similar patents of a listing): the outbox indexes these.
    record_bulk_changes("patent", [ids[r.publication_number] for r in new], "insert")
    record_bulk_changes("patent", [ids[r.publication_number] for r in old], "update")
    db.session.flush()
    db.session.expire_all()


def _chunks(records: list[PatentRecord]) -> Iterable[list[PatentRecord]]:
    for start in range(0, len(records), CHUNK):
        yield records[start : start + CHUNK]


def _write_children(chunk: list[PatentRecord], ids: dict[str, int], *, replace: bool) -> None:
    """Applicants and codes of each record; a stored patent's are replaced when the file
    gives them, and kept when it does not."""
    with_applicants = [r for r in chunk if r.applicants is not None]
    with_codes = [r for r in chunk if r.ipc is not None or r.cpc is not None or r.ipc_main]
    if replace and with_applicants:
        db.session.execute(
            delete(PatentApplicant).where(
                PatentApplicant.patent_id.in_([ids[r.publication_number] for r in with_applicants])
            )
        )
    if replace and with_codes:
        db.session.execute(
            delete(PatentClassification).where(
                PatentClassification.patent_id.in_([ids[r.publication_number] for r in with_codes])
            )
        )
    applicants = [
        (ids[r.publication_number], position, name, normalize_name(name))
        for r in with_applicants
        for position, name in enumerate(r.applicants or [])
    ]
    insert_rows(PatentApplicant.__table__, _APPLICANT_COLUMNS, applicants)
    codes = []
    for r in with_codes:
        patent_id = ids[r.publication_number]
        main = {ClassificationScheme.IPC: _main_ipc(r)}
        main[ClassificationScheme.CPC] = r.cpc[0] if r.cpc else None
        for position, (scheme, code) in enumerate(_codes(r)):
            codes.append(
                (patent_id, scheme.value, code, ipc_main_group(code), code[:4], position,
                 code == main[scheme])
            )  # fmt: skip
    insert_rows(PatentClassification.__table__, _CODE_COLUMNS, codes)


_APPLICANT_COLUMNS = ("patent_id", "position", "name", "normalized_name")
_CODE_COLUMNS = (
    "patent_id", "scheme", "code", "main_group", "subclass", "position", "is_main",
)  # fmt: skip


def retag_all(progress: Progress = _no_progress) -> int:
    """Recompute every patent's green topics from its stored codes (after the inventory
    data changes); returns how many patents changed."""
    codes: dict[int, list[tuple[ClassificationScheme, str]]] = {}
    for patent_id, scheme, code in db.session.execute(
        select(
            PatentClassification.patent_id, PatentClassification.scheme, PatentClassification.code
        )
    ):
        codes.setdefault(patent_id, []).append((scheme, code))
    rows = db.session.execute(select(Patent.id, Patent.green_topics)).all()
    changed = []
    for done, (patent_id, topics) in enumerate(rows, start=1):
        values = code_derived_values(codes.get(patent_id, []))
        if values["green_topics"] != (topics or []):
            changed.append({"id": patent_id, **values})
        if done % CHUNK == 0 or done == len(rows):
            progress("retag", done, len(rows))
    for start in range(0, len(changed), CHUNK):
        db.session.execute(update(Patent), changed[start : start + CHUNK])
    db.session.flush()
    return len(changed)


def classify_all(progress: Progress = _no_progress) -> int:
    """Carbon type and plan field of every stored patent from its title and abstract (after
    the rules or the taxonomy change); returns how many patents changed."""
    rows = db.session.execute(
        select(
            Patent.id, Patent.title, Patent.abstract, Patent.carbon_type, Patent.plan_area
        ).order_by(Patent.id)
    ).all()
    changed = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        tags = tag_texts([patent_text(row.title, row.abstract) for row in chunk])
        updates = [
            {"id": row.id, "carbon_type": t.carbon_type, "plan_area": t.plan_area}
            for row, t in zip(chunk, tags, strict=True)
            if (row.carbon_type, row.plan_area) != (t.carbon_type, t.plan_area)
        ]
        if updates:
            db.session.execute(update(Patent), updates)
            # The carbon type is a facet of the patent's search document.
            record_bulk_changes("patent", [u["id"] for u in updates], "update")
        changed += len(updates)
        progress("classify", start + len(chunk), len(rows))
    db.session.flush()
    return changed
