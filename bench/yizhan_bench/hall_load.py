"""The hall under load: 50 concurrent clients — kiosks issuing tickets and clerks pressing 叫号 —
each a thread with its own database connection, calling the same services as the pages, for a
fixed time. Reports p95 of each, errors, and double calls (a ticket handed to two clerks), which
must be 0: the claim is one statement in the database (hall.services.claim_next)."""

from __future__ import annotations

import random
import threading
import time

from django.db import connection

from yizhan.accounts.models import User
from yizhan.hall import demo as hall_demo
from yizhan.hall import services
from yizhan.hall.models import Channel, Ticket, Window
from yizhan.hall.selectors import served_at
from yizhan.regions.models import Region
from yizhan_bench.measure import percentiles


def run(*, township: str, clients: int = 50, seconds: float = 8.0) -> dict:
    hall_demo.seed_station(township)
    station = Region.objects.get(code=township)
    Ticket.objects.filter(region=station).delete()  # a rerun starts from an empty queue
    windows = list(Window.objects.filter(region=station, active=True).order_by("number"))
    items = served_at(station)
    callers = clients // 2
    clerks = []
    for n in range(callers):
        clerk, _ = User.objects.get_or_create(
            username=f"bench_hall_{n}", defaults={"display_name": f"窗口{n}"}
        )
        services.sign_in(actor=clerk, window=windows[n % len(windows)])
        clerks.append((clerk, windows[n % len(windows)]))
    issued_ms: list[float] = []
    called_ms: list[float] = []
    claimed: list[int] = []
    errors = {"issue": 0, "call": 0}
    lock = threading.Lock()
    start = threading.Barrier(clients)
    deadline = [0.0]

    def kiosk(seed: int) -> None:
        rng, mine, failed = random.Random(seed), [], 0
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                services.issue_ticket(
                    actor=None, station=station, item=rng.choice(items), channel=Channel.KIOSK
                )
            except Exception:  # counted: the figure is how many fail, not why
                failed += 1
                continue
            mine.append((time.perf_counter() - began) * 1000)
        connection.close()
        with lock:
            issued_ms.extend(mine)
            errors["issue"] += failed

    def clerk(who: User, seat: Window) -> None:
        mine, got, failed = [], [], 0
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                ticket = services.call_next(actor=who, window=seat)
            except Exception:  # counted, as above
                failed += 1
                continue
            mine.append((time.perf_counter() - began) * 1000)
            if ticket is None:
                time.sleep(0.01)  # an empty queue: a clerk waits a moment before pressing again
            else:
                got.append(ticket.pk)
        connection.close()
        with lock:
            called_ms.extend(mine)
            claimed.extend(got)
            errors["call"] += failed

    threads = [threading.Thread(target=kiosk, args=(n,)) for n in range(clients - callers)]
    threads += [threading.Thread(target=clerk, args=pair) for pair in clerks]
    deadline[0] = time.perf_counter() + seconds + 1  # the barrier's release is the start
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    issue, call = (percentiles(s) if s else {"p95": None, "n": 0} for s in (issued_ms, called_ms))
    return {
        "clients": clients,
        "seconds": seconds,
        "issued": issue["n"],
        "issue_p95_ms": issue["p95"],
        "calls": call["n"],
        "call_p95_ms": call["p95"],
        "tickets_called": len(claimed),
        "errors": errors,
        "double_calls": len(claimed) - len(set(claimed)),
        "numbers_repeated": _repeated_numbers(station),
    }


def _repeated_numbers(station: Region) -> int:
    """Tickets sharing a window's number on the day (two kiosks given the same slip): must be 0."""
    rows = Ticket.objects.filter(region=station, transferred_from__isnull=True).values_list(
        "window_id", "day", "seq"
    )
    return len(rows) - len(set(rows))
