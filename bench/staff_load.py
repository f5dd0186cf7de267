"""A bounded load run against the production server (#16): S simulated staff doing mixed work —
search, person page, edit, task completion, ticket calls (叫号) — with a staff member's pauses (1–3 s) between actions,
for a fixed time; then the saturation throughput (no pauses, more and more clients, until the requests' p95
passes 200 ms). Only 127.0.0.1 is ever targeted.

    PYTHONPATH=src:bench python bench/staff_load.py --db sqlite --staff 50 --seconds 60

It builds the demo station (`seed_demo`) in bench/out/load-<db>/ (PostgreSQL: the database
yizhan_load, BENCH_LOAD_DATABASE_URL overrides), signs the staff in by creating their sessions,
starts gunicorn exactly as `make demo` does (2 workers × 4 threads), and prints one JSON object:
errors, the server log's "database is locked" count, p50/p95 of every request (the target) and per action.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("STAFF_LOAD_PORT", "8109"))  # --port overrides
CSRF = "b" * 32  # an unmasked CSRF secret: cookie and form field carry the same value
STAFF_ACCOUNTS = ["xinhu_clerk", "xinhu_head"]
CALLED_TICKET = re.compile(
    r"/hall/tickets/(\d+)/start/"
)  # a called visitor's 开始办理 in the console  # both edit people and complete tasks in 新湖


def percentile(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def environment(db: str) -> dict[str, str]:
    out = ROOT / "bench" / "out" / f"load-{db}"
    env = dict(os.environ, YIZHAN_DATA_DIR=str(out), DJANGO_SETTINGS_MODULE="yizhan.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT / "bench"), env.get("PYTHONPATH", "")])
    if db == "postgres":
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yizhan_load"
        )
    else:
        env.pop("DATABASE_URL", None)
    return env


def prepare(env: dict[str, str]) -> None:
    """The demo station, built once per data directory (delete it to rebuild)."""
    marker = Path(env["YIZHAN_DATA_DIR"]) / ".load-seeded"
    if "DATABASE_URL" in env:
        # PostgreSQL: the database is made here when missing, and then seeded whatever the marker says.
        from yizhan.desk.management.commands.bench import ensure_postgres_database

        if ensure_postgres_database(env["DATABASE_URL"]):
            marker.unlink(missing_ok=True)
    if marker.exists():
        return
    yizhan = [sys.executable, "-m", "yizhan.cli"]
    for command in (["migrate", "--no-input", "-v0"], ["seed_demo"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([*yizhan, *command], env=env, check=True, stdout=subprocess.DEVNULL)
    marker.touch()


def _use_port(port: int) -> None:
    global PORT
    PORT = port


class Station:
    """What the simulated staff work on, read once from the database (in this process)."""

    def __init__(self, staff: int) -> None:
        import django

        django.setup()
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from yizhan.accounts.models import User
        from yizhan.people.models import Person
        from yizhan.worklist.models import Task
        from yizhan.worklist.selectors import tasks_visible_to

        self.cookies = []
        self.user_of: dict[str, int] = {}
        users = [User.objects.get(username=name) for name in STAFF_ACCOUNTS]
        for n in range(staff):
            user = users[n % len(users)]
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "yizhan.accounts.backends.StaffBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            self.cookies.append(f"sessionid={session.session_key}; csrftoken={CSRF}")
            self.user_of[self.cookies[-1]] = user.pk
        township = "371402001"
        people = Person.objects.filter(region__code__startswith=township, merged_into__isnull=True)
        self.people = list(people.values_list("pk", flat=True))
        self.names = sorted({name[:1] for name in people.values_list("name", flat=True)})
        # Each user completes tasks he sees; one seen by both may be done twice (the second: 400).
        self.tasks = {
            user.pk: list(tasks_visible_to(user).filter(Task.open_q()).values_list("pk", flat=True))
            for user in users
        }
        self.seats = {user.pk: self._seat(user) for user in users}
        self.lock = threading.Lock()

    @staticmethod
    def _seat(user) -> tuple[int, list[str]]:
        """Signs the user in at a window of his hall (one each: a clerk sits at one window);
        (the window, the codes of the items it serves) for his 取号 and 叫号."""
        from yizhan.hall import selectors, services
        from yizhan.hall.models import Ticket, Window

        station = selectors.stations_of(user)[0]
        Ticket.objects.filter(region=station).delete()  # a rerun starts from an empty hall
        served = {item.code for item in selectors.served_at(station)}
        windows = list(Window.objects.filter(region=station, active=True).order_by("number"))
        window = windows[STAFF_ACCOUNTS.index(user.username) % len(windows)]
        services.sign_in(actor=user, window=window)
        return window.pk, sorted(served & set(window.items.values_list("code", flat=True)))

    def edit_form(self, pk: int) -> dict[str, str]:
        """The person form as the edit page fills it (no ID number or phone: left blank, kept)."""
        from yizhan.people.models import Person
        from yizhan.people.services import EDITABLE, SENSITIVE

        person = Person.objects.get(pk=pk)
        form = {}
        for field in EDITABLE:
            if field in SENSITIVE:
                continue
            value = getattr(person, "region_id" if field == "region" else field)
            if isinstance(value, bool):
                if value:
                    form[field] = "on"
                continue
            form[field] = "" if value is None else str(value)
        form["address"] = f"新湖街道{random.randint(1, 300)}号"
        form["version"] = str(person.version)
        return form

    def next_task(self, cookie: str) -> int | None:
        with self.lock:
            mine = self.tasks[self.user_of[cookie]]
            return mine.pop() if mine else None


class Staff:
    def __init__(self, station: Station, cookie: str) -> None:
        self.station, self.cookie = station, cookie
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.last_status = 0
        self.last_body = ""
        self.requests: list[float] = []

    def send(self, method: str, path: str, fields: dict[str, str] | None = None, htmx: bool = False) -> int:
        headers = {"Cookie": self.cookie, "Host": "127.0.0.1"}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": CSRF})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        # A browser's way: gunicorn closes a keep-alive connection idle for 2 s (a staff member's
        # pause), so a request that meets a closed connection is sent again once on a new one.
        start = time.perf_counter()
        for _attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                self.last_body = response.read().decode("utf-8", "replace")
                self.last_status = response.status
                self.requests.append((time.perf_counter() - start) * 1000)
                return response.status
            except (ConnectionError, http.client.HTTPException):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            except OSError:  # a timeout: the answer took 30 s, an error; never sent twice
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                break
        self.last_status = 0
        return 0

    def search(self) -> bool:
        return self.send("POST", "/people/", {"q": random.choice(self.station.names)}, htmx=True) == 200

    def person_page(self) -> bool:
        return self.send("GET", f"/people/{random.choice(self.station.people)}/") == 200

    def edit(self) -> bool:
        pk = random.choice(self.station.people)
        if self.send("GET", f"/people/{pk}/edit/") != 200:
            return False
        status = self.send("POST", f"/people/{pk}/edit/", self.station.edit_form(pk))
        return status in (302, 409)  # 409: a colleague saved the same person a moment before

    def complete_task(self) -> bool:
        task = self.station.next_task(self.cookie)
        if task is None:
            return self.search()
        fields = {"outcome": "已电话联系，已办结。", "done_on": time.strftime("%Y-%m-%d")}
        return self.send("POST", f"/tasks/{task}/complete/", fields) in (302, 400)

    def ticket_call(self) -> bool:
        """A visitor takes a ticket at the desk (取号) for an item of this clerk's window; the
        clerk presses 叫号 there (htmx: the console comes back), then 开始办理 and 办理完毕 on the
        first visitor the console shows."""
        window, items = self.station.seats[self.station.user_of[self.cookie]]
        if self.send("POST", "/hall/issue/", {"item": random.choice(items)}) != 302:
            return False
        if self.send("POST", f"/hall/windows/{window}/call/", {}, htmx=True) != 200:
            return False
        called = CALLED_TICKET.search(self.last_body)
        if called is None:
            return True  # a colleague at the same window took the visitor first
        for step in ("start", "finish"):
            if self.send("POST", f"/hall/tickets/{called[1]}/{step}/", {}, htmx=True) != 200:
                return False
        return True


# (weight, action): a clerk's day is mostly finding people and reading their page.
ACTIONS = [
    (4, Staff.search), (4, Staff.person_page), (1, Staff.edit), (1, Staff.complete_task), (1, Staff.ticket_call),
]  # fmt: skip


def run(station: Station, *, clients: int, seconds: float, pause: tuple[float, float]) -> dict:
    deadline = time.monotonic() + seconds
    samples: dict[str, list[float]] = {action.__name__: [] for _, action in ACTIONS}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    weights = [w for w, _ in ACTIONS]

    requests: list[float] = []

    def work(n: int) -> None:
        staff = Staff(station, station.cookies[n % len(station.cookies)])
        staff.requests = requests  # list.append is atomic: every thread adds to one list
        if pause[1]:
            time.sleep(random.uniform(0, pause[1]))  # staff do not all start the same second
        while time.monotonic() < deadline:
            action = random.choices(ACTIONS, weights)[0][1]
            start = time.perf_counter()
            ok = action(staff)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                samples[action.__name__].append(elapsed)
                if not ok:
                    key = f"{action.__name__} {staff.last_status}"
                    errors[key] = errors.get(key, 0) + 1
            if pause[1]:
                time.sleep(random.uniform(*pause))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = [s for values in samples.values() for s in values]
    return {
        "clients": clients,
        "actions": len(every),
        "actions_per_s": round(len(every) / elapsed, 1),
        "errors": sum(errors.values()),
        "errors_by_status": errors,
        # Each request the staff's browsers sent (an edit is two, a ticket call up to four): what
        # the 200 ms target is about; the actions' own times are their requests added up.
        "requests": len(requests),
        "request_p50_ms": percentile(requests, 0.5),
        "request_p95_ms": percentile(requests, 0.95),
        "request_max_ms": round(max(requests), 1) if requests else None,
        "p50_ms": percentile(every, 0.5),
        "p95_ms": percentile(every, 0.95),
        "max_ms": round(max(every), 1) if every else None,
        "by_action": {
            name: {"n": len(v), "p50_ms": percentile(v, 0.5), "p95_ms": percentile(v, 0.95)}
            for name, v in samples.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--saturation-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    _use_port(args.port)

    env = environment(args.db)
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "src")]
    prepare(env)
    station = Station(args.staff)
    log = Path(env["YIZHAN_DATA_DIR"]) / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "yizhan.wsgi", "--bind", f"127.0.0.1:{PORT}",
        "--workers", str(args.workers), "--threads", str(args.threads), "--error-logfile", "-",
    ]  # fmt: skip
    with open(log, "wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        probe = Staff(station, station.cookies[0])
        give_up = time.monotonic() + 60
        while probe.send("GET", "/ping") != 200:
            if time.monotonic() > give_up or server.poll() is not None:
                raise SystemExit(f"gunicorn did not start: {log.read_text()}")
            time.sleep(0.2)
        result = {
            "db": args.db,
            "server": f"gunicorn {args.workers} workers × {args.threads} threads",
            "staff": run(station, clients=args.staff, seconds=args.seconds, pause=(1.0, 3.0)),
        }
        saturation = []
        for clients in (1, 2, 4, 8, 16):
            figures = run(station, clients=clients, seconds=args.saturation_seconds, pause=(0.0, 0.0))
            saturation.append(
                {k: figures[k] for k in ("clients", "actions_per_s", "request_p95_ms", "p95_ms", "errors")}
            )
            if figures["request_p95_ms"] and figures["request_p95_ms"] > 200:
                break
        result["saturation"] = saturation
    finally:
        server.terminate()
        server.wait()
    text = log.read_text(errors="replace")
    result["database_is_locked"] = text.count("database is locked")
    result["server_errors_logged"] = text.count("Traceback")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
