"""bulk.long_write: a run of large commits (the ledger import) checkpoints SQLite's WAL rarely,
and the connection gets SQLite's default back after, whatever happened inside."""

import pytest
from django.db import connection

from yizhan import bulk

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's WAL only"),
]


def _checkpoint_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        return cursor.fetchone()[0]


def test_a_long_write_checkpoints_the_wal_every_fifty_thousand_pages_while_it_lasts():
    assert _checkpoint_pages() == bulk.SQLITE_CHECKPOINT_PAGES == 1000
    with bulk.long_write():
        assert _checkpoint_pages() == bulk.LONG_WRITE_CHECKPOINT_PAGES == 50_000
    assert _checkpoint_pages() == 1000


def test_a_long_write_that_fails_still_gives_the_connection_its_default_back():
    with pytest.raises(RuntimeError), bulk.long_write():
        raise RuntimeError("batch failed")
    assert _checkpoint_pages() == 1000
