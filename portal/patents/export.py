"""CSV export of a patent selection, in CNIPA column names so the file imports again.

UTF-8 with a BOM (Excel on Chinese Windows reads BOM-less CSV as GBK) and every text cell
guarded against formula injection: an applicant "=HYPERLINK(...)" stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.imports.cells import guard_formula
from portal.patents.green import inventory
from portal.patents.models import ClassificationScheme, Patent
from portal.patents.query import PatentFilter, patents_query

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
HEADERS = (
    "公开（公告）号", "标题", "摘要", "申请人", "发明人", "申请号", "申请日", "公开（公告）日",
    "授权公告日", "IPC主分类", "IPC", "CPC", "法律状态", "专利类型", "申请人地址", "省市",
    "被引证次数", "简单同族个数", "绿色主题",
)  # fmt: skip


def _date(value: object) -> str:
    return value.isoformat() if value else ""  # type: ignore[attr-defined]


def export_row(patent: Patent) -> list[str]:
    topics = inventory().topics
    cells = [
        patent.publication_number,
        patent.title,
        patent.abstract,
        "; ".join(a.name for a in patent.applicants),
        "; ".join(patent.inventors),
        patent.application_number or "",
        _date(patent.application_date),
        _date(patent.publication_date),
        _date(patent.grant_date),
        patent.main_code(ClassificationScheme.IPC) or "",
        "; ".join(patent.codes(ClassificationScheme.IPC)),
        "; ".join(patent.codes(ClassificationScheme.CPC)),
        patent.legal_status_source or str(patent.legal_status.label),
        str(patent.patent_type.label),
        patent.applicant_address or "",
        patent.province or "",
        "" if patent.cited_by_count is None else str(patent.cited_by_count),
        "" if patent.family_size is None else str(patent.family_size),
        "; ".join(topics[k].name_zh for k in patent.green_topics if k in topics),
    ]
    return [guard_formula(cell) for cell in cells]


def patents_csv(filters: PatentFilter) -> Iterator[str]:
    """The CSV text in chunks (BOM first); needs an application context while iterating."""
    query = patents_query(filters).options(
        selectinload(Patent.applicants), selectinload(Patent.classifications)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def drain() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    with force_locale("zh_CN"):  # labels in Chinese: the headers are Chinese
        writer.writerow(HEADERS)
        yield BOM + drain()
        patents = db.session.scalars(query.execution_options(yield_per=ROWS_PER_CHUNK))
        for count, patent in enumerate(patents, start=1):
            writer.writerow(export_row(patent))
            if count % ROWS_PER_CHUNK == 0:
                yield drain()
        yield drain()
