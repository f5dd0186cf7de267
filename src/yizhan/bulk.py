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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

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
    insert_into(model._meta.db_table, columns, rows)


def insert_into(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """insert_rows by table name (the bench's raw ceiling also writes copies of a table)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', list(rows))


# SQLite's default: a commit that leaves more than 1,000 pages in the WAL copies them into the
# database file and syncs both, in the committing connection (wal_autocheckpoint).
SQLITE_CHECKPOINT_PAGES = 1000
# A long run of large commits (the ledger import's batches of 5,000 rows dirty ~22,000 index
# pages each at a million persons) checkpoints every ~200 MB of WAL instead: each commit no longer
# waits for two syncs of its own pages, and a page written by several batches is copied once.
# Not more: a read looks a page up in every 4,096 frames of WAL index, and with the WAL left to
# grow (no checkpoint) the import's lookups and inserts took 60 % longer (docs/benchmarks.md, session 7).
LONG_WRITE_CHECKPOINT_PAGES = 50_000


@contextmanager
def long_write() -> Iterator[None]:
    """Many large transactions in a row on this connection: on SQLite, its WAL is checkpointed
    every LONG_WRITE_CHECKPOINT_PAGES pages while it lasts (durability is unchanged: synchronous
    stays NORMAL, and the checkpoints still sync). Nothing on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA wal_autocheckpoint = {LONG_WRITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
            if not connection.in_atomic_block:  # what is left, here rather than at a clerk's commit
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def adapt_datetime(value: datetime.datetime):
    """A timestamp as the database's driver takes it (SQLite stores UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)
