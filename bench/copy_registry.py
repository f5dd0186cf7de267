"""Copies a bench registry built on SQLite into an empty PostgreSQL bench database, row for row
(COPY), so that both databases are measured on the same persons without building a million
of them twice (the build is Python-bound: hours on a shared machine).

    PYTHONPATH=src:bench DATABASE_URL=postgres://…/yizhan_bench_x \\
        python bench/copy_registry.py bench/out/sqlite-1000000/bench.sqlite3

Then `yizhan bench --db postgres --persons N --only campaign` with BENCH_DATABASE_URL set to the
same database finds the registry built and measures. Only what dataset.build and dataset.staff
write is copied: regions, the bench staff and posts, grids, households, persons, identities, the
cards' shared dummy photo, the 优待证 and their stays. What the database derives from them (the
identity tally, the cards' and stays' regions: core/derived.py) is not copied: PostgreSQL's
triggers fire for COPY's rows too, and the script ends by checking it.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

TABLES = [
    "regions_region", "accounts_user", "accounts_post", "regions_grid",
    "people_household", "people_person", "people_identity",
    "people_document", "veterans_preferentialcard", "veterans_cardstep",
]  # fmt: skip
# Kept by the database's triggers (core/derived.py), never copied.
DERIVED_COLUMNS = {"veterans_preferentialcard": {"region_code"}, "veterans_cardstep": {"region_code"}}
CHUNK = 20_000


def main(source: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from yizhan.core import derived

    call_command("migrate", verbosity=0)
    lite = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # SQLite holds Django's datetimes as UTC text
        for table in TABLES:
            start = time.perf_counter()
            target = _columns_of(cursor, table)
            derived_here = DERIVED_COLUMNS.get(table, set())
            columns = [c for c in _sqlite_columns(lite, table) if c in target and c not in derived_here]
            # Regions the migrations seeded stay; every other table must be empty.
            existing = set()
            if table == "regions_region":
                cursor.execute("SELECT code FROM regions_region")
                existing = {row[0] for row in cursor.fetchall()}
            else:
                cursor.execute(f"SELECT count(*) FROM {table}")
                if cursor.fetchone()[0]:
                    raise SystemExit(f"{table} is not empty in the target database")
            names = ", ".join(columns)
            rows = lite.execute(f"SELECT {names} FROM {table} ORDER BY rowid")
            copied = 0
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                while batch := rows.fetchmany(CHUNK):
                    for row in batch:
                        if not existing or row[0] not in existing:
                            copy.write_row(row)
                            copied += 1
            if "id" in columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
                )
            print(f"{table}: {copied} rows in {time.perf_counter() - start:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for key in derived.DERIVED:
        wrong = derived.differences(connection, key)
        print(f"derived {key}: {'exact' if not wrong else f'{len(wrong)} rows differ'}", flush=True)


def _sqlite_columns(lite: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in lite.execute(f"PRAGMA table_info({table})")]


def _columns_of(cursor, table: str) -> set[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in cursor.fetchall()}


if __name__ == "__main__":
    main(sys.argv[1])
