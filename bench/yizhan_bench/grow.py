"""Grows a benchmark registry to N persons by SQL copies of the persons already built (and their
identities), for measuring read paths at a scale the Python build cannot reach in the time a shared
machine allows (at ~150 rows/s under load, a million persons take two hours).

A copy keeps everything a read figure groups by — region, sex, birth date, household, identities —
and drops the ID number's blind index (it is unique; NULL is allowed, as for people without one), so
the copies are not valid registry entries for search or import benchmarks: use it for the
dashboards only (`yizhan bench --dashboards-at N`, docs/benchmarks.md says which figures came from it).
"""

from __future__ import annotations

from django.db import connection, transaction

from yizhan.core.maintenance import refresh_statistics
from yizhan.people.models import Identity, Person

NOT_COPIED = {"id", "id_number_bidx"}


def grow(n: int) -> int:
    """Copies persons until the registry holds at least n; returns how many were added."""
    person, identity = Person._meta.db_table, Identity._meta.db_table
    columns = [f.column for f in Person._meta.concrete_fields if f.column not in NOT_COPIED]
    identity_columns = [
        f.column for f in Identity._meta.concrete_fields if f.column not in {"id", "person_id"}
    ]
    added = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), max(id) FROM {person}")
        count, top = cursor.fetchone()
        base = top
        while count + added < n:
            take = min(base, n - count - added)
            offset = top
            with transaction.atomic():
                cursor.execute(
                    f"INSERT INTO {person} (id, {', '.join(columns)}) "
                    f"SELECT id + %s, {', '.join(columns)} FROM {person} WHERE id <= %s",
                    [offset, take],
                )
                copied = cursor.rowcount
                cursor.execute(
                    f"INSERT INTO {identity} (person_id, {', '.join(identity_columns)}) "
                    f"SELECT person_id + %s, {', '.join(identity_columns)} FROM {identity} WHERE person_id <= %s",
                    [offset, take],
                )
            added += copied
            top += take
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{person}', 'id'), (SELECT max(id) FROM {person}))"
            )
            cursor.execute("ANALYZE")
    refresh_statistics()
    return added
