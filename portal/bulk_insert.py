"""Rows written through the DBAPI cursor's executemany, for imports of many thousands of rows.

SQLAlchemy processes every parameter of every row (type processors, key lookups) before the
driver sees it; for the hundreds of thousands of patent, applicant, code and outbox rows of a
patent export that cost more than the SQL. Here the statement is compiled once for the
session's dialect and the rows go to the driver in the session's transaction, with only the
conversions the column types need (enum members to values, JSON to text, SQLite dates to the
text SQLAlchemy stores). Ids come from `reserve_ids`, so no row needs to be read back.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Enum, Table, func, insert, select, text
from sqlalchemy.types import JSON

from portal.extensions import db

Convert = Callable[[Any], Any]


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _json_text(value: Any) -> Any:
    return json.dumps(value)


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_datetime(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(column: Column, dialect_name: str) -> Convert | None:
    kind = column.type
    if isinstance(kind, Enum):
        return _enum_value
    if isinstance(kind, JSON):
        return _json_text
    if dialect_name == "sqlite" and isinstance(kind, DateTime):
        return _sqlite_datetime
    if dialect_name == "sqlite" and isinstance(kind, Date):
        return _sqlite_date
    return None


def _for_driver(row: tuple, order: list[int], converts: list[tuple[int, Convert]]) -> tuple:
    values = [row[i] for i in order]
    for position, convert in converts:
        values[position] = convert(values[position])
    return tuple(values)


def reserve_ids(table: Table, count: int) -> list[int]:
    """`count` new primary keys of `table` for rows this transaction inserts: from the sequence
    on PostgreSQL (safe beside other writers), past the highest id on SQLite (whose writers
    take turns on the database)."""
    if count <= 0:
        return []
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        return [row[0] for row in rows]
    highest = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(highest + 1, highest + 1 + count))


def insert_rows(table: Table, columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows` (tuples in the order of `columns`) into `table`."""
    if not rows:
        return
    connection = db.session.connection()
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    names = list(compiled.positiontup or ()) if compiled.positional else list(columns)
    order = [columns.index(name) for name in names]
    converts = [
        (position, convert)
        for position, name in enumerate(names)
        if (convert := _converter(table.c[name], connection.dialect.name)) is not None
    ]
    if order != list(range(len(columns))) or converts:
        rows = [_for_driver(row, order, converts) for row in rows]
    params = rows if compiled.positional else [dict(zip(names, row, strict=True)) for row in rows]
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(str(compiled), params)
    finally:
        cursor.close()
