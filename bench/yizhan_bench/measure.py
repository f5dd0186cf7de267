"""The measurements: each figure through the real path, next to its raw limit in the same run."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yizhan.core import crypto, replica
from yizhan.people.models import ID_CONTEXT, Person
from yizhan.people.selectors import search_people
from yizhan.regions.models import scope_bounds
from yizhan_bench.dataset import township_code


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "n": len(ordered)}


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def sample_people(k: int, *, seed: int = 7) -> list[Person]:
    lo, hi = scope_bounds(township_code(0))
    ids = list(
        Person.objects.filter(region_id__gte=lo, region_id__lt=hi).values_list("pk", flat=True)[:20000]
    )
    rng = random.Random(seed)
    return list(Person.objects.filter(pk__in=rng.sample(ids, min(k, len(ids)))))


def _raw(sql: str, params: list, alias: str = "default") -> list:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def search(user, people: list[Person]) -> dict:
    """search_ms through people.selectors.search_people (what the box and the API call) and
    raw_search_ms through one hand-written indexed query each, same scope, same answers' size.
    Both read the replica when DATABASE_REPLICA_URL names one (core.replica), the primary else."""
    with replica.reads() as alias:
        return {"read_from": alias, **_search(user, people, alias)}


def _search(user, people: list[Person], alias: str) -> dict:
    lo, hi = scope_bounds(township_code(0))
    top = "\U0010ffff" if connection.vendor == "sqlite" else "\uffff"
    cases = {
        "id_number": [
            (
                p.id_number,
                "SELECT id, name FROM people_person WHERE id_number_bidx = %s AND region_id >= %s AND region_id < %s AND merged_into_id IS NULL LIMIT 20",
                lambda p: [crypto.blind_index(p.id_number, context=ID_CONTEXT), lo, hi],
            )
            for p in people
        ],
        "name_prefix": [
            (
                p.name[:2],
                "SELECT id, name FROM people_person WHERE region_id >= %s AND region_id < %s AND name >= %s AND name < %s AND merged_into_id IS NULL ORDER BY name, id LIMIT 20",
                lambda p: [lo, hi, p.name[:2], p.name[:2] + top],
            )
            for p in people
        ],
        "pinyin_initials": [
            (
                p.name_initials,
                "SELECT id, name FROM people_person WHERE region_id >= %s AND region_id < %s AND name_initials >= %s AND name_initials < %s AND merged_into_id IS NULL ORDER BY name, id LIMIT 20",
                lambda p: [lo, hi, p.name_initials, p.name_initials + top],
            )
            for p in people
        ],
    }
    result = {}
    for name, rows in cases.items():
        via_selector, raw = [], []
        for (query, sql, params), person in zip(rows, people, strict=True):
            arguments = params(person)
            via_selector += timed(lambda q=query: search_people(user=user, query=q, limit=20), 1)
            raw += timed(lambda s=sql, a=arguments: _raw(s, a, alias), 1)
        selector_p, raw_p = percentiles(via_selector), percentiles(raw)
        result[name] = {
            "search_ms": selector_p,
            "raw_search_ms": raw_p,
            "ratio_p50": round(selector_p["p50"] / max(raw_p["p50"], 1e-6), 2),
        }
    return result


def person_page(user, people: list[Person]) -> dict:
    client = Client()
    client.force_login(user)
    samples, queries = [], set()
    for person in people:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(f"/people/{person.pk}/")
            samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        queries.add(len(captured))
    figures = percentiles(samples)
    return {
        "person_page_ms": {"p50": figures["p50"], "p95": figures["p95"], "n": figures["n"]},
        "person_page_queries": sorted(queries),
    }
