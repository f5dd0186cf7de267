"""A bounded local load generator: T threads with keep-alive connections to 127.0.0.1 for a fixed
time. Only the loopback address is ever targeted."""

from __future__ import annotations

import http.client
import threading
import time

from yizhan_bench.measure import percentiles


def load(
    *, port: int, paths: list[str], headers: dict[str, str], threads: int = 8, seconds: float = 8.0
) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, failed, i = [], 0, offset
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += threads
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append((time.perf_counter() - start) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    figures = percentiles(latencies) if latencies else {"p50": None, "p95": None, "p99": None, "n": 0}
    return {
        "rps": round(len(latencies) / elapsed, 1),
        "p95_ms": figures["p95"],
        "p50_ms": figures["p50"],
        "requests": len(latencies),
        "errors": errors[0],
    }
