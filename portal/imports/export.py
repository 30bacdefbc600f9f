"""CSV export of filtered listings, in the columns the importer reads back.

UTF-8 with a BOM, because Excel on Windows reads BOM-less CSV as the local code
page (GBK) and garbles Chinese. Every text cell is guarded against formula
injection: an exported title such as "=HYPERLINK(...)" must stay text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.imports.cells import cell_text, guard_formula
from portal.imports.columns import EXPORT_HEADERS, OWNER_COLUMN
from portal.listings.fields import CONTACT_FIELDS, fields_for
from portal.listings.kinds import KIND_LABELS, STATUS_LABELS, Listing, ListingKind
from portal.listings.models import Need, Technology
from portal.listings.query import ListingFilter, listings_query
from portal.listings.validation import listing_values

BOM = "\ufeff"
ROWS_PER_CHUNK = 200
# Columns that describe the stored listing; the importer ignores them and says so.
ID_HEADER, KIND_HEADER = "编号", "类型"
STATUS_HEADER, PUBLISHED_HEADER, VIEWS_HEADER = "状态", "发布日期", "浏览量"


def export_fields(model: type[Technology] | type[Need]) -> list[str]:
    """Input fields in export order: title, summary and owner first, then the form's order."""
    kind = ListingKind.NEED if model is Need else ListingKind.TECHNOLOGY
    names = [spec.name for spec in fields_for(kind)]
    return ["title", "summary", OWNER_COLUMN, *(n for n in names if n not in ("title", "summary"))]


def export_headers(model: type[Technology] | type[Need]) -> list[str]:
    kind_column = [KIND_HEADER] if model is Technology else []
    fields = [EXPORT_HEADERS[name] for name in export_fields(model)]
    return [ID_HEADER, *kind_column, *fields, STATUS_HEADER, PUBLISHED_HEADER, VIEWS_HEADER]


def export_row(listing: Listing, fields: list[str], *, show_contact: bool) -> list[str]:
    """One listing's cells; the contact cells are blank unless `show_contact`."""
    values = listing_values(listing)
    if not show_contact:
        values.update(dict.fromkeys(CONTACT_FIELDS))
    values[OWNER_COLUMN] = listing.owner_org.name
    kind_column = [str(KIND_LABELS[listing.kind.value])] if isinstance(listing, Technology) else []
    published = listing.published_at.date().isoformat() if listing.published_at else ""
    cells = [cell_text(name, values[name]) for name in fields]
    return [
        str(listing.id),
        *kind_column,
        *(guard_formula(cell) for cell in cells),
        str(STATUS_LABELS[listing.status.value]),
        published,
        str(listing.view_count),
    ]


def listings_csv(
    model: type[Technology] | type[Need],
    filters: ListingFilter,
    show_contact: Callable[[Listing], bool],
) -> Iterator[str]:
    """The CSV text of every listing `filters` selects, in chunks (BOM first); a listing's
    contact cells are filled only where `show_contact(listing)` (the exporter may see them).

    Needs an application context for the whole iteration; rows are read in batches
    so a large export does not hold every listing in memory.
    """
    fields = export_fields(model)
    query = listings_query(model, filters).options(
        selectinload(model.owner_org), selectinload(model.area), selectinload(model.industry_area)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def drain() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    # Status and kind labels in Chinese whatever the page language: the headers are Chinese.
    with force_locale("zh_CN"):
        writer.writerow(export_headers(model))
        yield BOM + drain()
        rows = db.session.scalars(query.execution_options(yield_per=ROWS_PER_CHUNK))
        for count, listing in enumerate(rows, start=1):
            writer.writerow(export_row(listing, fields, show_contact=show_contact(listing)))
            if count % ROWS_PER_CHUNK == 0:
                yield drain()
        tail = drain()
        if tail:
            yield tail
