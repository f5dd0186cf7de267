"""Multiplies a built bench registry: its households, persons, identities, 优待证 and their stays
repeated `times` times in set SQL (INSERT … SELECT with the ids shifted), in the same villages —
a registry of N × times persons with the shares, households, cards and spread of the one built,
in seconds. The data the database derives from these rows (core/derived.py: the identity tally,
the cards' and stays' regions) is kept by its triggers as the copies are inserted; the script
ends by checking it (`yizhan derived --check` does the same).

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

    from yizhan.core import derived
    from yizhan.core.maintenance import refresh_statistics
    from yizhan.people.models import Household, Identity, Person
    from yizhan.veterans.models import CardStep, PreferentialCard

    # (model, the column that says a row is an original, the model whose top id bounds it)
    copied = [
        (Household, "id", Household), (Person, "id", Person), (Identity, "person_id", Person),
        (PreferentialCard, "id", PreferentialCard), (CardStep, "card_id", PreferentialCard),
    ]  # fmt: skip
    top = {m: m.objects.aggregate(m=Max("id"))["m"] or 0 for m in (Household, Person, PreferentialCard)}
    for k in range(1, times):
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for model, where, bound in copied:
                columns, values = _shifted(model, k, top)
                cursor.execute(
                    f"INSERT INTO {model._meta.db_table} ({columns}) "
                    f"SELECT {values} FROM {model._meta.db_table} WHERE {where} <= %s",
                    [top[bound]],
                )
        print(f"copy {k}: {time.perf_counter() - start:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model, *_ in copied:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
                )
    refresh_statistics()
    print(Person.objects.count(), "persons", PreferentialCard.objects.count(), "cards")
    for key in derived.DERIVED:
        wrong = derived.differences(connection, key)
        print(f"derived {key}: {'exact' if not wrong else f'{len(wrong)} rows differ'}", flush=True)


def _shifted(model, k: int, top: dict) -> tuple[str, str]:
    """The column list and the select list of one copy: ids and links to the copied tables
    shifted by k × the original's top id; the person's unique blind index, photo and merge left
    empty; the ids of rows nothing links to (identities, stays) left to their sequence. A card's
    photo stays the one shared dummy (dataset.cards)."""
    from yizhan.people.models import Person

    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if field.primary_key and model not in top:
            continue
        if field.primary_key:
            value = f"{column} + {k * top[model]}"
        elif model is Person and column in ("id_number_bidx", "photo_id", "merged_into_id"):
            value = "NULL"
        elif field.is_relation and field.related_model in top:
            value = f"{column} + {k * top[field.related_model]}"
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
