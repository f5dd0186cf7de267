"""Keeping the query planner informed.

SQLite has no autovacuum/autoanalyze: without statistics its planner guesses, and on a large
registry a wrong guess costs a full table scan per search (docs/benchmarks.md). ANALYZE with an
analysis limit samples each index instead of reading it all, so it takes well under a second even
at a million persons. PostgreSQL's autovacuum analyzes by itself; after a bulk import we ask for
it at once rather than wait.
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
        else:
            cursor.execute("ANALYZE people_person")
    return 1
