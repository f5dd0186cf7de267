"""Inserting many rows as tuples: the bulk paths (ledger import) without a model instance per row.

Building a Django model and compiling its INSERT costs ~50 µs a row, more than the database's own
work (docs/benchmarks.md). Rows here are plain tuples in a stated column order; their ids are taken
before the insert (a range from the table's sequence on PostgreSQL; on SQLite the next ids after
the highest, under the IMMEDIATE transaction's write lock), so the caller knows every row's id
without RETURNING. Callers run inside a transaction and pass values already adapted
(`adapt_datetime`), checked and normalised: this module checks nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """`count` unused ids of the model's table, ascending."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return sorted(row[0] for row in cursor.fetchall())
        # AUTOINCREMENT never hands out an id again, even of a deleted row: start past both.
        cursor.execute(
            f'SELECT max(coalesce((SELECT max(id) FROM "{table}"), 0), '
            f"coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def existing(model: type[Model], column: str, values: Sequence, *, chunk: int = 900) -> list:
    """Which of the values the table's column holds (an indexed column: one IN query a chunk,
    without the ORM's per-value lookup preparation)."""
    table = model._meta.db_table
    found: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), chunk):
            part = values[start : start + chunk]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IN ({marks})', part)
            found += [row[0] for row in cursor.fetchall()]
    return found


def insert_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """INSERT of the rows (each a tuple in `columns` order): COPY on PostgreSQL, one prepared
    statement run for every row on SQLite."""
    table = model._meta.db_table
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', list(rows))


def adapt_datetime(value: datetime.datetime):
    """A timestamp as the database's driver takes it (SQLite stores UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
