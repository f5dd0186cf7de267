"""The planner's statistics (core.maintenance.refresh_statistics): an empty table is known to be
small, so a query starts from it instead of walking a large table and probing the empty one."""

from __future__ import annotations

import pytest
from django.db import connection

from yizhan.core.maintenance import refresh_statistics


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
