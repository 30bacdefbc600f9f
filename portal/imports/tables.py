"""Reading uploaded CSV and Excel files into a header and rows of text.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (a superset
of GBK and GB2312, which is what Excel on Chinese Windows writes). Excel: the first sheet; merged
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
from dataclasses import dataclass, field
from pathlib import PurePath
from zipfile import BadZipFile, ZipFile

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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


def _sheet_grid(data: bytes) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Cell texts with merged ranges filled in, and the merged ranges (0-based, inclusive)."""
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(_l("无法读取 Excel 文件：请上传 .xlsx 格式")) from exc
    sheet = workbook.worksheets[0]
    grid = [[_clean(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    merged = []
    for cell_range in sheet.merged_cells.ranges:
        top, left = cell_range.min_row - 1, cell_range.min_col - 1
        bottom, right = cell_range.max_row - 1, cell_range.max_col - 1
        merged.append((top, left, bottom, right))
        value = grid[top][left]
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                grid[r][c] = value
    return grid, merged


def read_excel(data: bytes) -> Table:
    grid, merged = _sheet_grid(data)
    width = max((len(row) for row in grid), default=0)
    grid = [row + [""] * (width - len(row)) for row in grid]
    start = 0
    # Skip blank rows and title rows: one value across the whole width is not a header.
    while start < len(grid) and (
        _is_blank(grid[start]) or (width > 1 and len({v for v in grid[start] if v}) == 1)
    ):
        start += 1
    if start >= len(grid):
        raise TableError(_l("文件是空的"))
    spans_columns = any(top == start and right > left for top, left, _, right in merged)
    header_rows = 2 if spans_columns and start + 1 < len(grid) else 1
    headers = []
    for column in range(width):
        parts = [grid[start + offset][column] for offset in range(header_rows)]
        headers.append("".join(dict.fromkeys(part for part in parts if part)))
    body = [
        SourceRow(index + 1, grid[index])
        for index in range(start + header_rows, len(grid))
        if not _is_blank(grid[index])
    ]
    return Table(headers, body, "xlsx")


def read_table(filename: str, data: bytes) -> Table:
    suffix = PurePath(filename.lower()).suffix
    if suffix in EXCEL_SUFFIXES:
        return read_excel(data)
    if suffix in CSV_SUFFIXES:
        return read_csv(data)
    raise TableError(_l("只支持 CSV（.csv）和 Excel（.xlsx）文件"))
