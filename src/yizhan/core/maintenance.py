"""Keeping the query planner informed.

SQLite has no autovacuum/autoanalyze: without statistics its planner guesses, and on a large
registry a wrong guess costs a full table scan per search (docs/benchmarks.md). ANALYZE with an
analysis limit samples each index instead of reading it all, so it takes well under a second even
at a million persons. PostgreSQL's autovacuum analyzes by itself, but only after enough rows have
changed; after a bulk import or a campaign we ask for it at once rather than wait — for every
table, because a bulk write fills several (identities, the tally, visits, tasks, audit events): a
campaign's "already there" check once scanned every visit because the visits' statistics still
described an empty campaign. A whole-database ANALYZE samples each table: 1.1 s at 1,000,000
persons.
"""

from __future__ import annotations

import datetime

from django.db import connection


def refresh_statistics(*, today: datetime.date | None = None) -> int:
    """Returns 1 when statistics were refreshed (the shape TIME_RULES reports)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
            _small_when_empty(cursor)
        else:
            cursor.execute("ANALYZE")
    return 1


def _small_when_empty(cursor) -> None:
    """ANALYZE writes nothing for an empty table, and SQLite then assumes a million rows: a
    dashboard's GROUP BY over a young table (no 建档立卡 yet) would walk every person of the county
    and probe the empty table for each. A NULL-index row of sqlite_stat1 gives the table's row count
    instead (SQLite's documented form); the next ANALYZE replaces it once the table has rows."""
    cursor.execute(
        """INSERT INTO sqlite_stat1 (tbl, idx, stat)
           SELECT name, NULL, '1' FROM sqlite_master
           WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT IN (SELECT tbl FROM sqlite_stat1)"""
    )
    cursor.execute("ANALYZE sqlite_schema")  # reloads the statistics into this connection
