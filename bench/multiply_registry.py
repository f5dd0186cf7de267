"""Multiplies a built bench registry: its households, persons and identities repeated `times`
times in set SQL (INSERT … SELECT with the ids shifted), in the same villages — a registry of
N × times persons with the shares, households and spread of the one built, in seconds.

Building through people.services.prepare_person (dataset.build) is Python-bound, ~370 µs a
person on a quiet core: on the shared machine (load 13) it ran at ~125 persons/s, two hours for
a million. The copies leave the ID number's blind index empty (it is unique) and carry the same
ciphertexts and names; nothing the campaign benchmark measures reads either.

    PYTHONPATH=src:bench DATABASE_URL=… python bench/multiply_registry.py 10
"""

from __future__ import annotations

import os
import sys
import time


def main(times: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings")
    django.setup()
    from django.db import connection, transaction
    from django.db.models import Max

    from yizhan.core.maintenance import refresh_statistics
    from yizhan.people.models import Household, Identity, Person

    top = {
        Household: Household.objects.aggregate(m=Max("id"))["m"],
        Person: Person.objects.aggregate(m=Max("id"))["m"],
    }
    for k in range(1, times):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for model, where in ((Household, "id"), (Person, "id"), (Identity, "person_id")):
                columns, values = _shifted(model, k, top)
                bound = top[Person] if model is Identity else top[model]
                cursor.execute(
                    f"INSERT INTO {model._meta.db_table} ({columns}) "
                    f"SELECT {values} FROM {model._meta.db_table} WHERE {where} <= %s",
                    [bound],
                )
        print(f"copy {k}: {time.perf_counter() - start:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Household, Person, Identity):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
                )
    refresh_statistics()
    print(Person.objects.count(), "persons")


def _shifted(model, k: int, top: dict) -> tuple[str, str]:
    """The column list and the select list of one copy: ids and links to the copied tables
    shifted by k × the original's top id; the unique blind index left empty; the identity's id
    left to its sequence."""
    from yizhan.people.models import Household, Identity, Person

    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if field.primary_key and model is Identity:
            continue
        if field.primary_key:
            value = f"{column} + {k * top[model]}"
        elif field.is_relation and field.related_model in (Person, Household) and field.name != "photo":
            value = f"{column} + {k * top[field.related_model]}"
        elif column in ("id_number_bidx", "photo_id", "merged_into_id"):
            value = "NULL"
        else:
            value = column
        columns.append(connection_quote(column))
        values.append(value if value == "NULL" or "+" in value else connection_quote(value))
    return ", ".join(columns), ", ".join(values)


def connection_quote(name: str) -> str:
    from django.db import connection

    return connection.ops.quote_name(name)


if __name__ == "__main__":
    main(int(sys.argv[1]))
