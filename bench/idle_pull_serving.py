"""The central store's CPU per idle pull as served in production (granian; BENCH_SERVER=gunicorn for the fallback),
and nothing else running on it.

Quiet stores (no neighbours, so every pull after their first finds nothing new) pull back to back on kept-alive
connections against `omnitoko central serve` (1 worker); the server's CPU (utime + stime of the server's processes,
from /proc) and its PostgreSQL backends' CPU are divided by the pulls answered. A lighter, quicker cut of
central_scale's last step, for comparing serving settings back to back (BENCH_IDLE_SECONDS, BENCH_IDLE_STORES).
"""

from __future__ import annotations

import os
import threading
import time

import requests

from bench import Row, pg_schema, print_table, row, scratch_dir
from bench.central_scale import PG
from bench.scale_meter import SERVER, Meter, demo_central, quiet_stores, served_central
from central.services import feed

SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "15"))
N_STORES = int(os.environ.get("BENCH_IDLE_STORES", "20"))


def _hammer(base: str, token: str, seconds: float, counts: list[int], errors: list[str]) -> None:
    http = requests.Session()
    http.headers.update({"Authorization": f"Bearer {token}", "X-Omnitoko-Status": "version=bench;depth=0;round=0.1"})
    cursor = 0
    while True:  # catch up first: every pull after this is idle
        page = http.get(f"{base}/api/v1/sync/pull", params={"cursor": cursor, "limit": 500}, timeout=30).json()
        cursor = page["cursor"]
        if not page["more"]:
            break
    n, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = http.get(f"{base}/api/v1/sync/pull", params={"cursor": cursor, "limit": 500}, timeout=30)
        if r.status_code != 200 or r.json()["changes"]:
            errors.append(str(r.status_code))
        n += 1
    counts.append(n)


def run() -> list[Row]:
    with pg_schema(PG, "omnitoko_idle") as (url, _schema):
        ctx = demo_central(url, 10)
        quiet = quiet_stores(ctx, N_STORES)
        feed.sequence(ctx)
        ctx.db.dispose()
        app_name = f"omnitoko_idle_{os.getpid()}"
        with served_central(url, app_name, scratch_dir("idle_pull_serving"), ["--workers", "1"]) as (base, pid):
            meter = Meter(PG, pid, app_name)
            counts: list[int] = []
            errors: list[str] = []
            threads = [threading.Thread(target=_hammer, args=(base, tok, SECONDS, counts, errors)) for _, tok in quiet]
            web0, pg0 = meter.read()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            web1, pg1 = meter.read()
            meter.stop.set()
        n = max(1, sum(counts))
        rows = [
            row("idle pulls answered", float(n), "requests", ""),
            row("errors or non-idle answers", float(len(errors)), "requests", "0"),
            row(f"server CPU per idle pull: {SERVER}", (web1 - web0) / n * 1000, "ms", "< 1 ms"),
            row("server CPU per idle pull: PostgreSQL backends", (pg1 - pg0) / n * 1000, "ms", ""),
        ]
        print_table(
            rows,
            f"idle_pull_serving: {N_STORES} quiet stores pulling back to back for {SECONDS:.0f} s, {SERVER} 1 "
            f"worker; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        )
        return rows


if __name__ == "__main__":
    run()
