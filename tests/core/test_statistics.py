"""The planner's statistics (core.maintenance.refresh_statistics): an empty table is known to be
small, so a query starts from it instead of walking a large table and probing the empty one."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from yizhan.core.maintenance import refresh_statistics
from yizhan.people.models import IdentityKind
from yizhan.people.services import grant_identity


def _stat(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics only")
def test_an_empty_table_gets_a_row_count_and_a_filled_one_its_own_statistics(db, make_person):
    make_person(name="商春旺")
    refresh_statistics()
    refresh_statistics()  # again: no duplicate rows, no error
    assert _stat("SELECT stat FROM sqlite_stat1 WHERE tbl = 'veterans_profilerecord' AND idx IS NULL") == (
        "1",
    )
    assert _stat("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'veterans_profilerecord'") == (1,)
    assert _stat("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_person' AND idx IS NOT NULL")[0] > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_every_table_a_bulk_write_fills_is_analysed_not_only_the_persons(db, make_person):
    for name in ("商春旺", "商春来", "商秋实"):
        grant_identity(
            actor=None, person=make_person(name=name), kind=IdentityKind.VETERAN,
            since=datetime.date(2020, 9, 1), source="测试",
        )  # fmt: skip
    refresh_statistics()
    # ANALYZE sets pg_class.reltuples to the rows it counted (-1 or 0 before, for a new table).
    assert _stat("SELECT reltuples FROM pg_class WHERE relname = 'people_identity'") == (3,)
    assert _stat("SELECT reltuples FROM pg_class WHERE relname = 'people_person'") == (3,)
