"""The registration list as CSV (UTF-8 with BOM, for Excel) and as an Excel workbook."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from portal.imports.cells import guard_formula
from portal.roadshows.models import RoadshowRegistration
from portal.roadshows.times import display

HEADERS = ["姓名", "邮箱", "机构", "状态", "报名时间（北京时间）", "代报名"]
BOM = "\ufeff"


def _rows(registrations: list[RoadshowRegistration]) -> list[list[str]]:
    # Every cell a user typed is guarded: '=HYPERLINK(...)' in a name stays text in Excel.
    return [
        [
            guard_formula(registration.user.name or ""),
            guard_formula(registration.user.email),
            guard_formula(registration.organization.name if registration.organization else ""),
            str(registration.state.label),
            display(registration.created_at),
            "是" if registration.added_by_id else "",
        ]
        for registration in registrations
    ]


def registrations_csv(registrations: list[RoadshowRegistration]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_rows(registrations))
    return BOM + buffer.getvalue()


def registrations_xlsx(registrations: list[RoadshowRegistration]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "报名名单"
    sheet.append(HEADERS)
    for row in _rows(registrations):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
