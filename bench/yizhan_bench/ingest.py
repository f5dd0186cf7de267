"""import_rows_per_s through the real ledger import (`yizhan import_ledger`, in its own process
so its peak RSS is its own), and raw_insert_rows_per_s for what it wrote — the persons and their
audit events — into the same tables again and committed (raw_uncommitted_rows_per_s: rolled back;
raw_empty_rows_per_s: into empty copies with the same indexes): executemany on SQLite, COPY on
PostgreSQL. Both also as CPU time a row, which a
shared machine's load moves less than wall time."""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection, transaction
from faker import Faker

from yizhan import bulk
from yizhan.audit.models import AuditEvent
from yizhan.core import idnumber
from yizhan.people.models import Person
from yizhan.regions.models import scope_bounds
from yizhan_bench.dataset import COUNTY, TODAY, VILLAGES, township_code

IMPORT_TOWNSHIP = 19  # the last one: the dataset leaves it to the import (see dataset.build)


def write_ledger(path: Path, rows: int, *, first_serial: int = 50_000_000) -> None:
    """A clean 人员 ledger of `rows` people in the import township (serials far from the dataset's)."""
    fake = Faker("zh_CN")
    fake.seed_instance(11)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["序号", "姓名", "性别", "公民身份号码", "联系电话", "所属村（社区）", "现住址"])
        for n in range(rows):
            serial = first_serial + n
            day = (serial // 500) * 7919 % (89 * 365)
            born = TODAY.fromordinal(TODAY.toordinal() - 365 - day)
            sex = "M" if n % 2 == 0 else "F"
            number = idnumber.make(area_code=COUNTY, birth_date=born, sex=sex, sequence=serial % 500)
            village = f"基准社区{IMPORT_TOWNSHIP + 1}-{n % VILLAGES + 1}"
            name = fake.last_name() + (fake.first_name_male() if sex == "M" else fake.first_name_female())
            writer.writerow(
                [
                    n + 1,
                    name,
                    "男" if sex == "M" else "女",
                    number,
                    f"13{n % 10}{n:08d}"[:11],
                    village,
                    f"{village}{n % 99 + 1}号",
                ]
            )


def import_rows(path: Path, rows: int, env: dict[str, str]) -> dict:
    command = [
        sys.executable,
        "-m",
        "yizhan.cli",
        "import_ledger",
        str(path),
        "--kind",
        "people",
        "--region",
        township_code(IMPORT_TOWNSHIP),
        "--json",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        raise RuntimeError(f"import_ledger failed: {finished.stderr[-2000:]}")
    summary = json.loads(finished.stdout)
    # The import and its worker processes (waited for, so counted as its children), not the
    # database server's share on PostgreSQL.
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {
        "import_rows": rows,
        "import_created": summary.get("created"),
        "import_seconds": round(elapsed, 2),
        "import_rows_per_s": round(rows / elapsed, 1),
        "import_cpu_us_per_row": round(cpu / rows * 1e6, 1),
        # ru_maxrss of children is the largest child so far; the import is the largest we start.
        "import_peak_rss_mb": round(max(after.ru_maxrss, before.ru_maxrss) / 1024, 1),
    }


# What the import wrote, read back for the raw ceiling: its persons and their audit events.
RAW_SOURCES = [
    (Person, "region_id >= %s AND region_id < %s"),
    (AuditEvent, "action = 'person.create' AND region_code >= %s AND region_code < %s"),
]
# Their unique columns: written again reversed (still distinct and as scattered), so the same rows
# can go into the same tables beside themselves.
UNIQUE_COLUMNS = {"id_number_bidx", "hash"}


def raw_insert(rows: int) -> dict:
    """The same rows the import wrote — its persons and their audit events — read back and
    inserted again in one transaction: executemany on SQLite, COPY on PostgreSQL. No validation,
    crypto, pinyin, lookup or hashing: the database's own cost of storing what the import stores.

    `raw_insert_*`, the ceiling import_vs_raw is measured against: into the same tables, at the
    registry's size, with their indexes (the issue's "the raw ceiling writes the same tables"),
    committed as the import's batches are, its commit timed — on SQLite the commit is where the
    pages reach the WAL and the database file — then deleted again, untimed, so the rest of the
    bench reads the registry the import left. `raw_uncommitted_*`, session 7's ceiling: the same
    insert rolled back, so never stored. `raw_empty_*`, the ceiling of sessions 1–6: into empty
    copies of both tables with the same indexes, committed."""
    bounds = scope_bounds(township_code(IMPORT_TOWNSHIP))
    loaded = []
    for model, where in RAW_SOURCES:
        columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
        quoted = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {quoted} FROM {model._meta.db_table} WHERE {where}", bounds)
            data = cursor.fetchall()
        if connection.vendor == "postgresql":
            data = [tuple(_copyable(v) for v in row) for row in data]
        loaded.append((model._meta.db_table, columns, data))
    persons = len(loaded[0][2])
    figures = {"raw_insert_rows": persons, "raw_insert_audit_rows": len(loaded[1][2])}
    if not persons:
        return figures
    same = [(table, columns, _reversed_unique(columns, data)) for table, columns, data in loaded]
    with transaction.atomic():
        cpu, start = time.process_time(), time.perf_counter()
        _insert(same)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        transaction.set_rollback(True)
    figures["raw_uncommitted_rows_per_s"] = round(persons / elapsed, 1)
    figures["raw_uncommitted_cpu_us_per_row"] = round(cpu / persons * 1e6, 1)
    tops = [(table, _top_id(table), len(data)) for table, _, data in same]
    try:
        cpu, start = time.process_time(), time.perf_counter()
        with transaction.atomic():
            _insert(same)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:  # however it ends: the copies must not stay in the registry the rest of the bench reads
        _delete_above(tops)
    figures["raw_insert_rows_per_s"] = round(persons / elapsed, 1)
    figures["raw_cpu_us_per_row"] = round(cpu / persons * 1e6, 1)
    for table, *_ in loaded:
        _create_copy(table)
    cpu, start = time.process_time(), time.perf_counter()
    with transaction.atomic():
        _insert([(_raw(table), columns, data) for table, columns, data in loaded])
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    with connection.cursor() as cursor:
        for table, *_ in loaded:
            cursor.execute(f"DROP TABLE {_raw(table)}")
    figures["raw_empty_rows_per_s"] = round(persons / elapsed, 1)
    figures["raw_empty_cpu_us_per_row"] = round(cpu / persons * 1e6, 1)
    return figures


def _reversed_unique(columns: list[str], data: list[tuple]) -> list[tuple]:
    at = [i for i, column in enumerate(columns) if column in UNIQUE_COLUMNS]
    return [tuple(v[::-1] if i in at and v else v for i, v in enumerate(row)) for row in data]


def _insert(tables: list[tuple[str, list[str], list[tuple]]]) -> None:
    for table, columns, data in tables:
        if data:
            bulk.insert_into(table, columns, data)


def _top_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def _delete_above(tops: list[tuple[str, int, int]]) -> None:
    """The committed ceiling's rows deleted again (nothing refers to them): each table's rows past
    its highest id before the insert, which must be the rows inserted or none (a failed insert)."""
    with connection.cursor() as cursor:
        for table, top, inserted in tops:
            cursor.execute(f"DELETE FROM {table} WHERE id > %s", [top])
            if cursor.rowcount not in (inserted, 0):
                raise RuntimeError(f"{table}: {cursor.rowcount} rows past id {top}, {inserted} inserted")
        if connection.vendor == "postgresql":  # their dead index entries out of the later reads' way
            cursor.execute(f"VACUUM {', '.join(table for table, *_ in tops)}")


def _raw(table: str) -> str:
    return f"bench_raw_{table}"


def _copyable(value):
    # psycopg reads jsonb back as Python objects; COPY takes their JSON text.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _create_copy(table: str) -> None:
    raw = _raw(table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {raw}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {raw} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
            cursor.execute(
                f"ALTER TABLE {raw} ALTER COLUMN id SET DEFAULT nextval(pg_get_serial_sequence('{table}', 'id'))"
            )
        else:
            cursor.execute(_sqlite_table_sql(table))
            for index_sql in _sqlite_index_sql(table):
                cursor.execute(index_sql)


def _sqlite_table_sql(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        sql = cursor.fetchone()[0]
    return sql.replace(f'"{table}"', f'"{_raw(table)}"', 1)


def _sqlite_index_sql(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        found = cursor.fetchall()
    return [
        sql.replace(f'"{name}"', f'"{name}_raw"', 1).replace(f'"{table}"', f'"{_raw(table)}"')
        for name, sql in found
    ]
