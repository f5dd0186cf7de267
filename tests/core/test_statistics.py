"""The planner's statistics (core.maintenance.refresh_statistics): an empty table is known to be
small, so a query starts from it instead of walking a large table and probing the empty one."""

from __future__ import annotations

import pytest
from django.db import connection

from yizhan.core.maintenance import refresh_statistics


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics only")
def test_an_empty_table_gets_a_row_count_and_a_filled_one_its_own_statistics(db, make_person):
    make_person(name="商春旺")
    refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'veterans_profilerecord' AND idx IS NULL")
        assert cursor.fetchone() == ("1",)
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_person' AND idx IS NOT NULL")
        assert cursor.fetchone()[0] > 0
    refresh_statistics()  # again: no duplicate rows, no error
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'veterans_profilerecord'")
        assert cursor.fetchone()[0] == 1
