"""import_rows_per_s through the real ledger import (`yizhan import_ledger`, in its own process
so its peak RSS is its own), and raw_insert_rows_per_s for the same rows into an equivalent
table with the same indexes: executemany on SQLite, COPY on PostgreSQL."""

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

from yizhan.core import idnumber
from yizhan.people.models import Person
from yizhan.regions.models import scope_bounds
from yizhan_bench.dataset import COUNTY, TODAY, VILLAGES, township_code

IMPORT_TOWNSHIP = 19  # the last one: the dataset leaves it to the import (see dataset.build)
RAW_TABLE = "bench_raw_person"


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
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if finished.returncode != 0:
        raise RuntimeError(f"import_ledger failed: {finished.stderr[-2000:]}")
    summary = json.loads(finished.stdout)
    return {
        "import_rows": rows,
        "import_created": summary.get("created"),
        "import_seconds": round(elapsed, 2),
        "import_rows_per_s": round(rows / elapsed, 1),
        # ru_maxrss of children is the largest child so far; the import is the largest we start.
        "import_peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
    }


def raw_insert(rows: int) -> dict:
    """The same persons the import created, inserted again into an equivalent table."""
    lo, hi = scope_bounds(township_code(IMPORT_TOWNSHIP))
    columns = [f.column for f in Person._meta.concrete_fields if f.column != "id"]
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quoted} FROM people_person WHERE region_id >= %s AND region_id < %s", [lo, hi]
        )
        data = cursor.fetchall()
    table = Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {RAW_TABLE} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES)")
            cursor.execute(
                f"ALTER TABLE {RAW_TABLE} ALTER COLUMN id SET DEFAULT nextval(pg_get_serial_sequence('{table}', 'id'))"
            )
        else:
            cursor.execute(_sqlite_table_sql(table))
            for index_sql in _sqlite_index_sql(table):
                cursor.execute(index_sql)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {RAW_TABLE} ({quoted}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {RAW_TABLE} ({quoted}) VALUES ({placeholders})", data)
    elapsed = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RAW_TABLE}")
    return {
        "raw_insert_rows": len(data),
        "raw_insert_rows_per_s": round(len(data) / elapsed, 1) if data else None,
    }


def _sqlite_table_sql(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        sql = cursor.fetchone()[0]
    return sql.replace(f'"{table}"', f'"{RAW_TABLE}"', 1)


def _sqlite_index_sql(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        found = cursor.fetchall()
    return [
        sql.replace(f'"{name}"', f'"{name}_raw"', 1).replace(f'"{table}"', f'"{RAW_TABLE}"')
        for name, sql in found
    ]
