"""`yizhan bench`: builds a synthetic registry and prints one JSON object of figures and ratios.

The benchmark code lives in the checkout's bench/ directory (bench/README.md); this command runs
it against its own database (bench/out/…), never the station's: the parent process sets the
database up and re-runs itself as a child with DATABASE_URL pointing there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

import yizhan

BENCH_DIR = Path(yizhan.__file__).resolve().parents[2] / "bench"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/yizhan_bench"


class Command(BaseCommand):
    help = "基准测试：构造 N 名人员并测量导入、检索、人员页与 HTTP 吞吐（结果为 JSON）。Run the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=100_000)
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
        parser.add_argument("--import-rows", type=int, default=None, help="默认 min(persons/10, 100000)")
        parser.add_argument("--http-seconds", type=float, default=8.0)
        parser.add_argument("--samples", type=int, default=200)
        parser.add_argument(
            "--no-peer", action="store_false", dest="peer", help="不运行 django-import-export 对照（它最慢）"
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="一行 JSON（默认为缩进的 JSON）"
        )
        parser.add_argument(
            "--dashboards-at", type=int, default=None,
            help="只测统计看板：把已构造的人员以 SQL 复制到 N 人后测量 dashboard_ms（bench/yizhan_bench/grow.py）",
        )  # fmt: skip
        parser.add_argument(
            "--only",
            choices=["campaign"],
            default=None,
            help="只测走访慰问活动（生成、覆盖情况页、联络员页）",
        )
        parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)

    def handle(
        self, *args, persons, db, import_rows, http_seconds, samples, only, peer, as_json: bool, child: bool,
        dashboards_at: int | None, **options,
    ):  # fmt: skip
        if not (BENCH_DIR / "yizhan_bench").is_dir():
            raise CommandError(f"基准测试代码在源码目录 bench/ 中（未找到 {BENCH_DIR}）。")
        import_rows = import_rows or max(1000, min(persons // 10, 100_000))
        if not child:
            figures = self._spawn(
                persons=persons, db=db, import_rows=import_rows, http_seconds=http_seconds, samples=samples,
                dashboards_at=dashboards_at, only=only, peer=peer,
            )  # fmt: skip
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=None if as_json else 2))
            return
        sys.path.insert(0, str(BENCH_DIR))
        if dashboards_at:
            self.stdout.write(
                json.dumps(_dashboards_at(persons=persons, grow_to=dashboards_at), ensure_ascii=False)
            )
            return
        figures = _run(
            persons=persons,
            import_rows=import_rows,
            http_seconds=http_seconds,
            samples=samples,
            only=only,
            peer=peer,
        )
        self.stdout.write(json.dumps(figures, ensure_ascii=False))

    def _spawn(self, **opts) -> dict:
        out = BENCH_DIR / "out" / f"{opts['db']}-{opts['persons']}"
        out.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, YIZHAN_DATA_DIR=str(out), DJANGO_SETTINGS_MODULE="yizhan.settings")
        if opts["db"] == "postgres":
            env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", POSTGRES_URL)
            ensure_postgres_database(env["DATABASE_URL"])
        else:
            env["DATABASE_URL"] = f"sqlite:///{out / 'bench.sqlite3'}"
        command = [sys.executable, "-m", "yizhan.cli", "bench", "--child", "--persons", str(opts["persons"]), "--db", opts["db"],
                   "--import-rows", str(opts["import_rows"]), "--http-seconds", str(opts["http_seconds"]), "--samples", str(opts["samples"]),
                   *(["--only", opts["only"]] if opts["only"] else []), *([] if opts["peer"] else ["--no-peer"])]  # fmt: skip
        if opts["dashboards_at"]:
            command += ["--dashboards-at", str(opts["dashboards_at"])]
        finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            raise CommandError(f"基准测试失败：\n{finished.stderr[-4000:]}")
        return json.loads(finished.stdout.strip().splitlines()[-1])


def ensure_postgres_database(url: str) -> bool:
    """Creates the database of `url` when it does not exist; whether it did."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(
    *,
    persons: int,
    import_rows: int,
    http_seconds: float,
    samples: int,
    only: str | None = None,
    peer: bool = True,
) -> dict:
    from django.conf import settings
    from django.db import connection

    from yizhan.accounts.services import issue_api_token
    from yizhan.core.maintenance import refresh_statistics
    from yizhan.regions.models import scope_bounds
    from yizhan_bench import dataset, ingest, measure

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # the pages and gunicorn need the manifest
    dataset.regions()
    users = dataset.staff()
    start = time.perf_counter()
    # Measuring the campaign alone, the registry is built to the full N (no import fills the rest).
    added = dataset.build(persons if only else persons - import_rows)
    build_seconds = time.perf_counter() - start
    refresh_statistics()
    figures: dict = {
        "persons": persons,
        "db": connection.vendor,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "build": {
            "added": added,
            "seconds": round(build_seconds, 1),
            "rows_per_s": round(added / build_seconds, 1) if added else None,
        },
    }
    if only == "campaign":
        figures.update(measure.campaign(users["bench_county"], users["bench_clerk"], users["bench_liaison"]))
        return figures
    ledger = Path(settings.DATA_DIR) / f"ledger-{import_rows}.csv"
    ingest.write_ledger(ledger, import_rows)
    lo, hi = scope_bounds(dataset.township_code(ingest.IMPORT_TOWNSHIP))
    already = measure.Person.objects.filter(region_id__gte=lo, region_id__lt=hi).exists()
    if "import_ledger" not in get_commands():
        figures["import"] = "unavailable: the ledger import (issue #6) is not installed"
    elif not already:
        if peer:
            figures.update(_peer(ledger, import_rows))  # first: its writes are rolled back
        figures.update(ingest.import_rows(ledger, import_rows, dict(os.environ)))
        figures.update(ingest.raw_insert(import_rows))
        refresh_statistics()
        if raw := figures.get("raw_insert_rows_per_s"):
            figures["import_vs_raw"] = round(figures["import_rows_per_s"] / raw, 3)
            if "peer_rows_per_s" in figures:  # a dry run, rolled back: against the ceiling that is too
                figures["peer_vs_raw"] = round(
                    figures["peer_rows_per_s"] / figures["raw_uncommitted_rows_per_s"], 3
                )
            figures["import_vs_raw_cpu"] = round(
                figures["raw_cpu_us_per_row"] / figures["import_cpu_us_per_row"], 3
            )
            # Against session 7's ceiling, rolled back, and sessions 1–6's, empty copies of the two
            # tables (ingest.raw_insert).
            figures["import_vs_raw_uncommitted"] = round(
                figures["import_rows_per_s"] / figures["raw_uncommitted_rows_per_s"], 3
            )
            figures["import_vs_raw_empty"] = round(
                figures["import_rows_per_s"] / figures["raw_empty_rows_per_s"], 3
            )
    else:
        figures["import"] = (
            "skipped: the import township is already filled (delete bench/out to measure again)"
        )
    people = measure.sample_people(samples)
    figures["search"] = measure.search(users["bench_clerk"], people)
    figures.update(measure.person_page(users["bench_clerk"], people[:100]))
    figures.update(measure.dashboard(users["bench_county"]))
    figures.update(measure.campaign(users["bench_county"], users["bench_clerk"], users["bench_liaison"]))
    figures.update(_http(users["bench_clerk"], people, http_seconds, issue_api_token))
    figures["hall"] = _hall(http_seconds)
    return figures


def _dashboards_at(*, persons: int, grow_to: int) -> dict:
    """The dashboards alone: `persons` built as usual, then copied by SQL up to `grow_to`."""
    from django.db import connection

    from yizhan.core.maintenance import refresh_statistics
    from yizhan_bench import dataset, grow, measure

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    dataset.regions()
    users = dataset.staff()
    dataset.build(persons)
    start = time.perf_counter()
    added = grow.grow(grow_to)
    refresh_statistics()
    figures = {
        "persons": measure.Person.objects.count(), "built": persons, "copied": added,
        "copy_seconds": round(time.perf_counter() - start, 1), "db": connection.vendor,
    }  # fmt: skip
    figures.update(measure.dashboard(users["bench_county"]))
    return figures


def _peer(ledger: Path, rows: int) -> dict:
    """django-import-export on the same file (bench/yizhan_bench/peer.py), when installed (dev extras)."""
    try:
        from yizhan_bench import peer
    except ImportError:
        return {"peer": "unavailable: django-import-export is not installed (pip install -e '.[dev]')"}
    return peer.run(ledger, rows)


def _hall(seconds: float) -> dict:
    """取号 and 叫号 by 50 concurrent clients in one township's hall (bench/yizhan_bench/hall_load.py)."""
    from yizhan_bench import dataset, hall_load

    return hall_load.run(township=dataset.township_code(1), clients=50, seconds=seconds)


def _http(user, people, seconds: float, issue_api_token) -> dict:
    """The search API on gunicorn next to its honest ceiling on the same server: a view that
    authenticates the same token and runs the same indexed query by hand (yizhan_bench/ceiling.py).
    /ping (no database, no session) is reported beside them, as the server's own limit."""
    from yizhan_bench import http_load

    token = issue_api_token(actor=None, user=user, name="bench")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BENCH_DIR), os.environ.get("PYTHONPATH", "")]))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "yizhan_bench.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        queries = [p.name_initials for p in people]
        search = http_load.load(
            port=port, paths=[f"/api/people?q={q}" for q in queries], headers=headers, seconds=seconds
        )
        ceiling = http_load.load(
            port=port,
            paths=[f"/bench/ceiling/people?q={q}" for q in queries],
            headers=headers,
            seconds=seconds,
        )
        ping = http_load.load(port=port, paths=["/ping"], headers={}, seconds=seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "http_rps": search["rps"], "http_p95_ms": search["p95_ms"], "http_errors": search["errors"],
        "ceiling_rps": ceiling["rps"], "ceiling_p95_ms": ceiling["p95_ms"], "ceiling_errors": ceiling["errors"],
        "http_vs_ceiling": round(search["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None,
        "ping_rps": ping["rps"],
    }  # fmt: skip
