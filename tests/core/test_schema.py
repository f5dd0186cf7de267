"""The schema's own guarantees. Deleting a row looks up every row that refers to it (Django's
on_delete, and the database's foreign-key check, once a deleted row): a foreign key that leads no
index makes each of those lookups a scan of the referring table — at a million persons, an
import's undo took hours."""

import pytest
from django.apps import apps
from django.db import connection

from yizhan.people.models import Person

pytestmark = pytest.mark.django_db


def _leading_columns(cursor, table: str) -> set[str]:
    constraints = connection.introspection.get_constraints(cursor, table).values()
    return {
        c["columns"][0]
        for c in constraints
        if c["columns"] and (c["index"] or c["unique"] or c["primary_key"])
    }


def test_every_foreign_key_is_the_first_column_of_an_index():
    unindexed = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):  # many-to-many tables too
            meta = model._meta
            if not meta.managed or meta.proxy:
                continue
            leading = _leading_columns(cursor, meta.db_table)
            unindexed += [
                f"{meta.label}.{field.name}"
                for field in meta.concrete_fields
                if field.is_relation and field.column not in leading
            ]
    assert unindexed == []


@pytest.mark.parametrize("lookup", [{"merged_into_id": 1}, {"merged_into_id__in": [1, 2, 3]}])
def test_who_was_merged_into_a_person_is_found_through_the_partial_index(lookup):
    # The index holds only merged persons (a full one misled SQLite's planner): it must still
    # answer the database's own check (one id) and Django's PROTECT lookup (ids IN a batch).
    # The first test accepts any index leading with the column, so this one names the index.
    sql, params = Person.objects.filter(**lookup).values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test's tiny table is read whole otherwise
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(column) for row in cursor.fetchall() for column in row)
    assert "person_merged_into" in plan
