"""Reading uploaded CSV and Excel files into a header and rows of text.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (a superset
of GBK and GB2312, which is what Excel on Chinese Windows writes). Excel: the first sheet, read
in openpyxl's read-only (streaming) mode and only up to the row cap; merged
cells are filled with their value, a title row spanning the whole table is
skipped, and a two-row header whose upper cells are merged over several columns
("价格（万元）" over "最低" and "最高") gives names like "价格（万元）最低".

A workbook is a zip of XML: before openpyxl parses it, the members' declared uncompressed
sizes are checked (a few KB can unpack to gigabytes), and openpyxl parses through defusedxml
(installed as a dependency), so entity tricks are refused.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import PurePath
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile, ZipFile

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx files are zip archives
# A 5,000-row sheet of long texts unpacks to a few tens of MB; far more is a zip bomb.
MAX_WORKBOOK_UNPACKED = 64 * 1024 * 1024
MAX_WORKBOOK_MEMBERS = 1000


class TableError(Exception):
    """The file cannot be read as a table; the message is shown to the user."""


@dataclass(frozen=True)
class SourceRow:
    number: int  # the row number a spreadsheet program shows (header rows count)
    values: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[SourceRow] = field(default_factory=list)
    encoding: str = ""  # of CSV files; "xlsx" for Excel


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" (tab-separated) is UTF-16 with a BOM.
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise TableError(
                _l("无法识别文件编码：文件以 UTF-16 标记开头，但内容不是 UTF-16")
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise TableError(_l("无法识别文件编码：请保存为 UTF-8 或 GBK/GB18030 编码的 CSV")) from exc


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "hour"):  # Excel dates arrive as datetime
        return value.date().isoformat()  # type: ignore[union-attr]
    return str(value).strip()


def _is_blank(values: list[str]) -> bool:
    return not any(values)


def read_csv(data: bytes) -> Table:
    if data.startswith(ZIP_SIGNATURE):
        raise TableError(_l("这是 Excel（.xlsx）文件，请保留 .xlsx 扩展名后上传"))
    text, encoding = decode_text(data)
    # Text in UTF-8 or GB18030 never holds a NUL; programs, images and archives do.
    if "\x00" in text:
        raise TableError(_l("文件不是 CSV 文本（可能是程序、图片或其他二进制文件）"))
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [[cell.strip() for cell in record] for record in reader]
    except csv.Error as exc:
        raise TableError(_l("CSV 格式错误：%(error)s", error=str(exc))) from exc
    numbered = [(index + 1, values) for index, values in enumerate(records)]
    numbered = [(number, values) for number, values in numbered if not _is_blank(values)]
    if not numbered:
        raise TableError(_l("文件是空的"))
    (_, headers), *body = numbered
    return Table(headers, [SourceRow(n, v) for n, v in body], encoding)


def _check_unpacked_size(data: bytes) -> None:
    try:
        with ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (BadZipFile, OSError, ValueError) as exc:
        raise TableError(_l("无法读取 Excel 文件：请上传 .xlsx 格式")) from exc
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_WORKBOOK_MEMBERS or unpacked > MAX_WORKBOOK_UNPACKED:
        raise TableError(
            _l(
                "Excel 文件解压后超过 %(limit)d MB，请拆分后分批导入",
                limit=MAX_WORKBOOK_UNPACKED >> 20,
            )
        )


MergedRange = tuple[int, int, int, int]  # top, left, bottom, right: 0-based, inclusive
MERGE_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"
# Far beyond any real import sheet; a sheet of a million merges or a merge over all 16,384
# columns would otherwise cost time or memory on every row.
MAX_MERGED_RANGES = 10_000
MAX_MERGED_COLUMNS = 512


def _merged_ranges(archive: ZipFile, sheet_path: str) -> list[MergedRange]:
    """The sheet's merged ranges, read from its XML.

    A read-only worksheet does not know its merges (they follow the cells, at the end of the
    sheet's XML), so they are streamed out of the XML first, through defusedxml's parser;
    each element is dropped once seen, so memory stays flat whatever the sheet's size.
    """
    ranges: list[MergedRange] = []
    with archive.open(sheet_path) as source:
        for _, element in iterparse(source):
            if element.tag == MERGE_TAG and (ref := element.get("ref")):
                left, top, right, bottom = range_boundaries(ref)
                right = min(right, MAX_MERGED_COLUMNS)
                ranges.append((top - 1, left - 1, bottom - 1, right - 1))
                if len(ranges) > MAX_MERGED_RANGES:
                    raise TableError(_l("Excel 文件的合并单元格过多，请取消合并后上传"))
            element.clear()
    return sorted(ranges)


def _open_first_sheet(data: bytes) -> tuple[ReadOnlyWorksheet, list[MergedRange]]:
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # openpyxl does not expose the sheet's member name; read-only sheets keep it here.
        merged = _merged_ranges(ZipFile(io.BytesIO(data)), sheet._worksheet_path)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, ParseError) as exc:
        raise TableError(_l("无法读取 Excel 文件：请上传 .xlsx 格式")) from exc
    return sheet, merged


def _filled_rows(sheet: ReadOnlyWorksheet, merged: list[MergedRange]) -> Iterator[list[str]]:
    """Cell texts row by row, each merged range filled with its top-left value."""
    pending = iter(merged)  # sorted by top row
    upcoming = next(pending, None)
    active: dict[MergedRange, str] = {}  # ranges over the current row -> their top-left value
    # The declared dimension may be wrong (some writers put A1:A1); rows then come as stored.
    sheet.reset_dimensions()
    try:
        for index, cells in enumerate(sheet.iter_rows(values_only=True)):
            row = [_clean(cell) for cell in cells]
            active = {r: value for r, value in active.items() if r[2] >= index}
            while upcoming is not None and upcoming[0] <= index:
                if upcoming[2] >= index:  # starts here (or on a row the sheet left out)
                    left = upcoming[1]
                    active[upcoming] = row[left] if upcoming[0] == index and left < len(row) else ""
                upcoming = next(pending, None)
            for (_, left, _, right), value in active.items():
                row.extend([""] * (right + 1 - len(row)))
                row[left : right + 1] = [value] * (right + 1 - left)
            yield row
    except (KeyError, OSError, ValueError, ParseError) as exc:  # cells are parsed as read
        raise TableError(_l("无法读取 Excel 文件：请上传 .xlsx 格式")) from exc


def _is_title(values: list[str]) -> bool:
    """A title row: one value across the row (merged or not). It is never a header, since an
    import needs at least title, summary and owner columns."""
    return len({v for v in values if v}) == 1


def read_excel(data: bytes, max_rows: int | None = None) -> Table:
    """The first sheet as a table; with `max_rows`, reading stops (TableError) at the first
    body row past the cap, so an oversized sheet is never parsed to its end."""
    sheet, merged = _open_first_sheet(data)
    rows = _filled_rows(sheet, merged)
    start = -1
    for start, first in enumerate(rows):  # noqa: B007 - `start` is used after the loop
        if not _is_blank(first) and not _is_title(first):
            break
    else:
        raise TableError(_l("文件是空的"))
    spans_columns = any(top == start and right > left for top, left, _, right in merged)
    header_rows = [first]
    if spans_columns:
        header_rows.extend(islice(rows, 1))
    width = max(len(row) for row in header_rows)
    headers = []
    for column in range(width):
        parts = [row[column] for row in header_rows if column < len(row)]
        headers.append("".join(dict.fromkeys(part for part in parts if part)))
    body: list[SourceRow] = []
    for number, values in enumerate(rows, start=start + len(header_rows) + 1):
        if _is_blank(values):
            continue
        if max_rows is not None and len(body) >= max_rows:
            raise TableError(_l("一次最多导入 %(limit)d 行，本文件超过了这个数", limit=max_rows))
        body.append(SourceRow(number, values + [""] * (width - len(values))))
    return Table(headers, body, "xlsx")


def read_table(filename: str, data: bytes, max_rows: int | None = None) -> Table:
    """The file as a table; `max_rows` caps an Excel sheet's body rows while it is read (a CSV
    file is text already in memory, so its callers count the rows)."""
    suffix = PurePath(filename.lower()).suffix
    if suffix in EXCEL_SUFFIXES:
        return read_excel(data, max_rows)
    if suffix in CSV_SUFFIXES:
        return read_csv(data)
    raise TableError(_l("只支持 CSV（.csv）和 Excel（.xlsx）文件"))
