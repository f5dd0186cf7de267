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
from yizhan_bench.ceiling import outside_index
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
    region = outside_index("region_id")  # as the search's prefix queries steer it
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
                f"SELECT id, name FROM people_person WHERE {region} >= %s AND {region} < %s AND name >= %s AND name < %s AND merged_into_id IS NULL ORDER BY name, id LIMIT 20",
                lambda p: [lo, hi, p.name[:2], p.name[:2] + top],
            )
            for p in people
        ],
        "pinyin_initials": [
            (
                p.name_initials,
                f"SELECT id, name FROM people_person WHERE {region} >= %s AND {region} < %s AND name_initials >= %s AND name_initials < %s AND merged_into_id IS NULL ORDER BY name, id LIMIT 20",
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


def _reset_peak_rss() -> str:
    """Linux's high-water mark of this process's RSS, which getrusage's ru_maxrss reads, set back to
    its RSS now (proc(5), clear_refs "5"): else the whole bench's peak — the registry's build, the
    import ceiling's rows — passes for the campaign's. Says which peak ru_maxrss now holds."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:  # not Linux, or not allowed: the figure stays the process's peak
        return "process start"
    return "campaign start"


def campaign(county_user, clerk_user, liaison_user) -> dict:
    """Opening a county-wide 走访慰问 campaign (one task per matching household) through
    care.campaigns + the job's execute_generation, its re-run, and next to them the raw ceiling:
    one hand-written INSERT … SELECT of the same households into a scratch table. Then the
    coverage page and the liaison's page through the test client."""
    import datetime
    import resource

    from yizhan.care import campaigns
    from yizhan.care.generation import execute_generation
    from yizhan.care.models import CampaignRun, CampaignVisit, VisitCampaign
    from yizhan.core import jobs
    from yizhan.regions.models import Region

    county = Region.objects.get(code="371402000000")
    targets = ["identity:priority_entitled", "identity:veteran", "identity:military_family"]
    if VisitCampaign.objects.filter(name="基准春节走访").exists():
        _drop_campaigns()

    generation_cpu: list[float] = []
    rss_since = _reset_peak_rss()  # the campaign's peak, not the bench's earlier parts
    rss_at_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def generate(campaign) -> float:
        run = CampaignRun.objects.filter(campaign=campaign).order_by("-id").first()
        run = jobs.claim(_campaign_job(), pk=run.pk)
        start, cpu_start = time.perf_counter(), time.process_time()
        execute_generation(run)
        generation_cpu.append(round((time.process_time() - cpu_start) * 1000, 1))
        return (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    opened = campaigns.open_campaign(
        actor=county_user, region=county, name="基准春节走访", occasion="spring_festival",
        starts_on=datetime.date(2027, 1, 20), ends_on=datetime.date(2027, 2, 10),
        standards=[campaigns.Standard(t) for t in targets],
    )  # fmt: skip
    open_ms = (time.perf_counter() - start) * 1000
    first_ms = generate(opened)
    households = CampaignVisit.objects.filter(campaign=opened).count()
    campaigns.generate_again(actor=county_user, campaign=opened)
    rerun_ms = generate(opened)
    raw_ms = _raw_households(targets)
    client = Client()
    client.force_login(county_user)
    clerk, liaison = Client(), Client()
    clerk.force_login(clerk_user)
    liaison.force_login(liaison_user)

    def page(on: Client, url: str) -> Callable[[], object]:
        def get():
            response = on.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    # Wall time, and this process's CPU time (on SQLite it includes the database's work; on
    # PostgreSQL the server's is not in it): on a shared, loaded machine the second says what
    # the page costs, the first what a clerk waited.
    # Each page is requested once before it is timed (its first request, reported apart, also
    # pays what a server process pays once: templates compiled, URL modules imported).
    cpu, first = {}, {}

    def measured(name: str, call: Callable[[], object]) -> list[float]:
        first[name] = round(timed(call, 1)[0], 1)
        start = time.process_time()
        samples = timed(call, 20)
        cpu[name] = round((time.process_time() - start) * 1000 / 20, 1)
        return samples

    from yizhan_bench.dataset import village_codes

    coverage = measured("coverage", page(client, f"/care/campaigns/{opened.pk}/"))
    by_village = measured("coverage_by_village", page(client, f"/care/campaigns/{opened.pk}/?by=village"))
    contacts = measured("liaison", page(liaison, "/care/contacts/"))
    township_contacts = measured("liaison_township_clerk", page(clerk, "/care/contacts/"))
    clerk_village = measured(
        "liaison_township_clerk_village", page(clerk, f"/care/contacts/?village={village_codes()[0]}")
    )
    return {
        "campaign": {
            "households": households,
            "open_ms": round(open_ms, 1),
            "generate_ms": round(first_ms, 1),
            "rerun_ms": round(rerun_ms, 1),
            "generate_and_rerun_cpu_ms": generation_cpu,  # this process's (SQLite: with the database's)
            "raw_insert_select_ms": round(raw_ms, 1),
            "generate_vs_raw": round(first_ms / max(raw_ms, 1e-6), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_since": rss_since,
            "rss_at_start_mb": round(rss_at_start / 1024, 1),  # what the process held as it began
            "coverage_page_ms": percentiles(coverage),  # the county officer's first tab: by township
            "coverage_by_village_ms": percentiles(by_village),  # 380 villages
            "liaison_page_ms": percentiles(contacts),  # a grid's liaison
            "liaison_page_township_clerk_ms": percentiles(township_contacts),  # no grid: chooses a village
            "liaison_page_township_clerk_village_ms": percentiles(clerk_village),  # the liaison's village
            "pages_cpu_mean_ms": cpu,
            "pages_first_request_ms": first,
        }
    }


def _campaign_job():
    from yizhan.care.models import CampaignRun
    from yizhan.ledgers.jobs import JOBS

    return next(job for job in JOBS if job.model is CampaignRun)


def _drop_campaigns() -> None:
    """A second bench run on the kept database measures a fresh campaign again."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE care_campaignvisit SET task_id = NULL")
        cursor.execute("DELETE FROM worklist_task WHERE rule LIKE 'care.campaign:%%'")
        for table in ("care_campaignvisit", "care_campaignrun", "care_campaigngroup", "care_visitcampaign"):
            cursor.execute(f"DELETE FROM {table}")


def _raw_households(targets: list[str]) -> float:
    """The ceiling: the same households, one per household, by one INSERT … SELECT driven from
    the identities (the persons holding a target kind, by the kind index), into a scratch table
    with the visit table's unique index."""
    marks = ", ".join(["%s"] * len(targets))
    kinds = [t.split(":", 1)[1] for t in targets]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_visit")
        cursor.execute(
            "CREATE TABLE bench_raw_visit (subject_key varchar(40) PRIMARY KEY, person_id bigint, region_code varchar(12))"
        )
        start = time.perf_counter()
        cursor.execute(
            f"""INSERT INTO bench_raw_visit (subject_key, person_id, region_code)
            SELECT 'household:' || CAST(p.household_id AS TEXT), MIN(p.id), MIN(p.region_id)
            FROM people_person p
            WHERE p.region_id >= '371402000000' AND p.region_id < '371403000000' AND p.household_id IS NOT NULL
              AND p.id IN (SELECT i.person_id FROM people_identity i WHERE i.kind IN ({marks}) AND i.until IS NULL)
            GROUP BY p.household_id""",
            kinds,
        )
        elapsed = (time.perf_counter() - start) * 1000
        cursor.execute("DROP TABLE bench_raw_visit")
    return elapsed


def dashboard(county_user, *, repeat: int = 10) -> dict:
    """dashboard_ms: each 统计 page (reports.pages.DASHBOARDS) as the county officer opens it, for
    the county and for one township, through the test client (view, every figure's GROUP BY,
    template); next to it raw_group_by_ms, the one hand-written GROUP BY of the heaviest figure
    (current identities by township and kind over the county's people) in the same run."""
    from django.utils import timezone

    from yizhan.people.models import Identity
    from yizhan.reports.pages import DASHBOARDS

    client = Client()
    client.force_login(county_user)
    pages, pages_p95 = {}, {}
    samples: list[float] = []
    for key, *_ in DASHBOARDS:
        for region in ("", f"?region={township_code(0)}"):
            url = f"/reports/{key}/{region}"
            client.get(url)  # warm
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            name = ("county " if not region else "township ") + key
            pages[name], pages_p95[name] = percentiles(times)["p50"], percentiles(times)["p95"]
            samples += times
    lo, hi = scope_bounds(township_code(0)[:6] + "000000")
    today = timezone.localdate().isoformat()
    identity, person = Identity._meta.db_table, Person._meta.db_table
    # On SQLite the unary + keeps the range out of the index choice, as the figure does: without
    # it the planner walks every person of the county and probes identities for each.
    column = "+p.region_id" if connection.vendor == "sqlite" else "p.region_id"
    sql = f"""SELECT substr(p.region_id, 1, 9), i.kind, count(*) FROM {identity} i
              JOIN {person} p ON p.id = i.person_id
              WHERE {column} >= %s AND {column} < %s AND p.merged_into_id IS NULL
                AND i.since <= %s AND (i.until IS NULL OR i.until > %s)
              GROUP BY 1, 2"""
    raw = percentiles(timed(lambda: _raw(sql, [lo, hi, today, today]), repeat))
    overall = percentiles(samples)
    return {
        "dashboard_ms": {"p50": overall["p50"], "p95": overall["p95"], "n": overall["n"]},
        "dashboard_pages_p50_ms": pages,
        "dashboard_pages_p95_ms": pages_p95,
        "raw_group_by_ms": {"p50": raw["p50"], "p95": raw["p95"]},
    }
