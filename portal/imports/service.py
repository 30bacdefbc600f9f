"""Bulk import of catalogue items and needs: check every row, then commit all or nothing.

Rows go through `portal.listings.service.create_listing` (the shared validator, the
permission to post for another organization, the audit entry) without committing;
one rejected row rolls the whole file back, and the report names each rejected row
by the number a spreadsheet shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.domain_errors import Refusal
from portal.extensions import db
from portal.imports.columns import OWNER_COLUMN, ColumnMap, map_columns, row_data
from portal.imports.tables import Table, TableError, read_table
from portal.listings import service as listings_service
from portal.listings.kinds import ListingKind
from portal.organizations import service as organizations
from portal.organizations.models import Organization, OrgKind
from portal.security import Action, ensure

MAX_ROWS = 5000
PROGRESS_EVERY = 20  # rows between two progress reports
# Called with (rows done, rows in the file, rows rejected so far).
Progress = Callable[[int, int, int], None]
# Who owns rows whose organization is created by the import.
NEW_ORG_KIND = {
    ListingKind.TECHNOLOGY: OrgKind.INSTITUTE,
    ListingKind.PRODUCT: OrgKind.ENTERPRISE,
    ListingKind.NEED: OrgKind.ENTERPRISE,
}


class FileRejected(Exception):
    """The file as a whole cannot be imported; the message is shown to the user."""


@dataclass(frozen=True)
class RejectedRow:
    row: int
    reason: str


@dataclass
class ImportReport:
    kind: ListingKind
    encoding: str
    total: int = 0
    imported: int = 0
    new_organizations: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    preview: list[dict[str, object]] = field(default_factory=list)  # first rows, as parsed

    @property
    def ok(self) -> bool:
        return not self.rejected and self.total > 0


def _owner(
    name: str, kind: ListingKind, actor: User, create_missing: bool, report: ImportReport
) -> Organization:
    org = organizations.organization_by_name(name)
    if org is not None:
        return org
    if not create_missing:
        raise Refusal(_l("机构“%(name)s”不存在（可勾选“自动创建缺少的机构”）", name=name[:60]))
    report.new_organizations.append(name)
    return organizations.create_organization(
        actor, name=name, kind=NEW_ORG_KIND[kind], source="批量导入"
    )


def _reason(exc: Exception, headers: dict[str, str]) -> str:
    """The refusal in words, each field named by its column header in the file."""
    if isinstance(exc, Refusal) and exc.fields:
        return "；".join(
            f"{headers.get(name, name)}：{message}" for name, message in exc.fields.items()
        )
    return str(exc)


def _import_rows(
    table: Table,
    columns: ColumnMap,
    kind: ListingKind,
    actor: User,
    create_missing: bool,
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    headers = {name: table.headers[index] for index, name in columns.fields.items()}
    # Files name a few organizations many times; one lookup each (it was 40% of the time).
    owners: dict[str, Organization] = {}
    for source in table.rows:
        data = row_data(columns, source.values)
        if len(report.preview) < 10:
            report.preview.append({"row": source.number, **data})
        owner_name = str(data.pop(OWNER_COLUMN, "")).strip()
        try:
            if not owner_name:
                raise Refusal(_l("缺少所属机构"))
            if owner_name not in owners:
                owners[owner_name] = _owner(owner_name, kind, actor, create_missing, report)
            owner = owners[owner_name]
            # Rows are refused by validation before anything is flushed, so no savepoint
            # is needed (and pysqlite would commit on releasing one).
            listings_service.create_listing(kind, data, actor, owner=owner)
            report.imported += 1
        except Refusal as exc:
            report.rejected.append(RejectedRow(source.number, _reason(exc, headers)))
        done = report.imported + len(report.rejected)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == report.total):
            progress(done, report.total, len(report.rejected))


def import_listings(
    kind: ListingKind | str,
    filename: str,
    data: bytes,
    actor: User,
    *,
    create_missing_orgs: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every row of the file as a draft of `kind`, or none of them.

    With `dry_run` (the preview) nothing is kept either way. The report says how
    many rows would be or were imported and names every rejected row. ``progress`` hears
    every ``PROGRESS_EVERY`` rows how far the check has come (rows are kept only at the end).
    """
    kind = ListingKind(kind)
    ensure(actor, Action.IMPORT_LISTINGS)
    try:
        table = read_table(filename, data, max_rows=MAX_ROWS)
    except TableError as exc:
        raise FileRejected(str(exc)) from exc
    if len(table.rows) > MAX_ROWS:
        raise FileRejected(f"一次最多导入 {MAX_ROWS} 行，本文件有 {len(table.rows)} 行")
    columns = map_columns(table.headers, kind)
    missing = {"title", "summary", OWNER_COLUMN} - set(columns.fields.values())
    if missing:
        raise FileRejected("缺少必需的列：" + "、".join(sorted(missing)))
    report = ImportReport(kind, table.encoding, total=len(table.rows))
    report.ignored_columns = columns.ignored
    try:
        _import_rows(table, columns, kind, actor, create_missing_orgs, report, progress)
    except Exception:
        db.session.rollback()
        raise
    if dry_run or not report.ok:
        db.session.rollback()
        if not report.ok:
            report.imported = 0
    else:
        db.session.commit()
    return report
