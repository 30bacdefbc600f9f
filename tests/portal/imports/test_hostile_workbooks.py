"""Workbooks built to hurt the server are refused before they are unpacked or expanded."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import Flask
from openpyxl import Workbook

from portal.imports.tables import MAX_WORKBOOK_UNPACKED, TableError, read_table

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol4;</t></is></c></row></sheetData>
</worksheet>"""


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(["需求名称", "需求简介"])
    book.active.append(["园区储能需求", "为工业园区配置两兆瓦时的用户侧储能系统。"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, replace.pop(member.filename, source.read(member)))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()


def test_a_plain_workbook_reads(app: Flask) -> None:
    table = read_table("需求.xlsx", _workbook())
    assert table.headers == ["需求名称", "需求简介"] and len(table.rows) == 1


def test_a_zip_bomb_is_refused_before_unpacking(app: Flask) -> None:
    bomb = _rewritten(_workbook(), {"xl/padding.bin": b"\0" * (MAX_WORKBOOK_UNPACKED + 1)})
    assert len(bomb) < 200_000  # a small upload that unpacks past the limit
    with pytest.raises(TableError) as refused:
        read_table("需求.xlsx", bomb)
    assert "解压后超过 64 MB" in str(refused.value)


def test_entity_expansion_is_refused(app: Flask) -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML  # openpyxl parses through defusedxml, which forbids entities
    laughs = _rewritten(_workbook(), {"xl/worksheets/sheet1.xml": LAUGHS.encode()})
    with pytest.raises(TableError) as refused:
        read_table("需求.xlsx", laughs)
    assert "Excel" in str(refused.value)


def _long_workbook(rows: int) -> bytes:
    book = Workbook()
    book.active.append(["需求名称", "需求简介", "企业名称"])
    for number in range(rows):
        book.active.append([f"需求 {number}", "为工业园区配置用户侧储能系统。", "厦门某企业"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_reading_stops_at_the_row_cap(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cap the sheet is not parsed any further (rows are read in streaming mode)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    parsed: list[int] = []
    parse_row = WorkSheetParser.parse_row

    def counting(self: WorkSheetParser, row: object) -> object:
        parsed.append(1)
        return parse_row(self, row)

    monkeypatch.setattr(WorkSheetParser, "parse_row", counting)
    with pytest.raises(TableError) as refused:
        read_table("需求.xlsx", _long_workbook(2000), max_rows=10)
    assert "一次最多导入 10 行" in str(refused.value)
    assert len(parsed) <= 12  # the header, ten rows and the one past the cap


def test_rows_up_to_the_cap_read_whole(app: Flask) -> None:
    table = read_table("需求.xlsx", _long_workbook(10), max_rows=10)
    assert len(table.rows) == 10 and table.rows[-1].values[0] == "需求 9"
    assert table.rows[0].number == 2


def test_merges_over_every_column_are_bounded(app: Flask) -> None:
    book = Workbook()
    book.active.append(["汇总表"])
    book.active.merge_cells("A1:XFD1")
    book.active.append(["需求名称", "需求简介", "企业名称"])
    book.active.append(["园区储能需求", "为工业园区配置储能。", "厦门某企业"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table("需求.xlsx", buffer.getvalue())
    assert table.headers == ["需求名称", "需求简介", "企业名称"] and len(table.rows) == 1
