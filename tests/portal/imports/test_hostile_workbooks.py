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
