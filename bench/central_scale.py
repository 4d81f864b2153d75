"""Many stores at once against the central store on PostgreSQL, served as in production (gunicorn):

N stores (BENCH_SCALE_STORES, default 100), each a thread in one of 4 client processes, push sales in batches
of 5 and pull after each push, for BENCH_SCALE_SECONDS (default 20) counted from when each client process is up;
8 quiet stores with no neighbours pull every 0.25 s meanwhile (their pulls find nothing new). Figures: events/s,
push p50/p99, pull p99 (while everyone pushes), the quiet stores' idle pull p99, responses >= 500, and the most
PostgreSQL connections the server held (its own, by application_name; against its configured bound).

Run: python -m bench.central_scale (or `make bench`). Needs the PostgreSQL at OMNITOKO_BENCH_PG; works in a
schema of its own, dropped at the end. The clients share the machine with the server: on 2 cores the figures
are a floor, not what a server with its own cores gives.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import requests
from sqlalchemy import create_engine, text

from bench import ROOT, Row, percentile, pg_schema, print_table, row, scratch_dir
from bench.sync_drain import SKUS, sale_payload
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import demo, feed, stock, stores
from central.services.context import CentralContext
from central.services.stock import Movement
from central.web.serving import connections
from common.contract.names import EventType
from common.contract.wire import canonical_json

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
N_STORES = int(os.environ.get("BENCH_SCALE_STORES", "100"))
SECONDS = float(os.environ.get("BENCH_SCALE_SECONDS", "20"))
_SERVER = CentralConfig().server  # the shipped defaults, unless the run names others
WORKERS = int(os.environ.get("BENCH_SCALE_WORKERS", _SERVER.workers))
THREADS = int(os.environ.get("BENCH_SCALE_THREADS", _SERVER.threads))
PUSH_SLOTS = int(os.environ.get("BENCH_SCALE_PUSH_SLOTS", _SERVER.push_slots))
CLIENTS, BATCH = 4, 5
IDLE_STORES, IDLE_EVERY = 8, 0.25  # quiet stores pulling every IDLE_EVERY s


def _store_loop(base: str, store_id: str, token: str, deadline: float, out: dict[str, list[Any]]) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    seq, cursor = 0, 0
    while time.monotonic() < deadline:
        events: list[dict[str, Any]] = []
        for _ in range(BATCH):
            seq += 1
            payload = sale_payload(seq, store_id)
            events.append(
                {
                    "event_id": str(uuid.uuid4()),
                    "store_id": store_id,
                    "device_id": "T1",
                    "store_seq": seq,
                    "type": EventType.SALE_COMPLETED,
                    "schema_version": 1,
                    "payload": payload,
                    "payload_hash": hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
                }
            )
        try:
            started = time.perf_counter()
            r = http.post(
                f"{base}/api/v1/sync/push",
                timeout=60,
                json={"store_id": store_id, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": events},
            )
            out["push"].append(time.perf_counter() - started)
            if r.status_code >= 500:
                out["errors"].append(r.status_code)
            elif r.status_code == 200:
                out["applied"].append(sum(1 for x in r.json()["results"] if x["outcome"] == "applied"))
            while True:
                started = time.perf_counter()
                p = http.get(f"{base}/api/v1/sync/pull", params={"cursor": cursor, "limit": 1000}, timeout=60)
                took = time.perf_counter() - started
                if p.status_code >= 500:
                    out["errors"].append(p.status_code)
                    break
                page = p.json()
                out["pull"].append(took)
                if not page["changes"]:
                    out["idle"].append(took)
                cursor = page["cursor"]
                if not page["more"]:
                    break
        except requests.RequestException as e:
            out["errors"].append(type(e).__name__)


def _idle_loop(base: str, store_id: str, token: str, deadline: float, out: dict[str, list[Any]]) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    cursor, first = 0, True
    while time.monotonic() < deadline:
        try:
            started = time.perf_counter()
            p = http.get(f"{base}/api/v1/sync/pull", params={"cursor": cursor, "limit": 1000}, timeout=60)
            took = time.perf_counter() - started
            if p.status_code >= 500:
                out["errors"].append(p.status_code)
                continue
            page = p.json()
            if not page["changes"] and not first:
                out["idle"].append(took)
            cursor, first = page["cursor"], page["more"]
        except requests.RequestException as e:
            out["errors"].append(type(e).__name__)
        time.sleep(IDLE_EVERY)


def _client(args: tuple[str, list[tuple[str, str]], float]) -> dict[str, list[Any]]:
    base, mine, seconds = args
    # The clock starts once this process is up: spawning and importing can take longer than the run on a busy box.
    deadline = time.monotonic() + seconds
    out: dict[str, list[Any]] = {
        "push": [],
        "pull": [],
        "idle": [],
        "errors": [],
        "applied": [],
        "span": [time.time()],
    }
    threads = [
        threading.Thread(
            target=_idle_loop if sid.startswith("Q") else _store_loop, args=(base, sid, token, deadline, out)
        )
        for sid, token in mine
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["span"].append(time.time())
    return out


def _max_connections(url: str, app_name: str, stop: threading.Event, seen: list[int]) -> None:
    engine = create_engine(url)
    with engine.connect() as c:
        while not stop.wait(0.5):
            seen.append(
                int(
                    c.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                            "backend_type = 'client backend' AND application_name = :app"
                        ),
                        {"app": app_name},
                    ).scalar()
                    or 0
                )
            )
    engine.dispose()


def run() -> list[Row]:
    with pg_schema(PG, "omnitoko_scale") as (url, schema):
        server = None
        try:
            central_upgrade(url)
            config = CentralConfig()
            config.database.url = url
            ctx = CentralContext(db=central_database(url), config=config)
            demo.load(ctx, products_limit=40)
            tokens = [(f"S{i:04d}", stores.add_store(ctx, f"S{i:04d}", f"Store {i}")) for i in range(1, N_STORES + 1)]
            # Stores with no neighbours that only pull while the others push: every pull after their first is
            # idle (nothing new for them), so their p99 is the idle pull's under load.
            idle = [(f"Q{i:04d}", stores.add_store(ctx, f"Q{i:04d}", f"Quiet {i}")) for i in range(1, IDLE_STORES + 1)]
            for sid, _ in idle:
                stores.set_neighbours(ctx, sid, None, [])
            with ctx.db.unit_of_work() as s:
                for sid, _ in tokens:
                    feed.append(
                        s,
                        ctx,
                        stock.post(
                            s, ctx, sid, [Movement(str(uuid.uuid4()), sku, 1_000_000, "receipt") for sku in SKUS]
                        ),
                    )
            feed.sequence(ctx)
            ctx.db.dispose()

            app_name = f"omnitoko_scale_{os.getpid()}"  # the server's own connections, not others' on this database
            port = _free_port()
            where = scratch_dir("central_scale")
            env = {
                **os.environ,
                "OMNITOKO_CENTRAL_DATABASE__URL": f"{url}&application_name={app_name}",
                "OMNITOKO_CENTRAL_SERVER__SECRET_KEY": uuid.uuid4().hex * 2,
                "OMNITOKO_CENTRAL_LOYALTY__SIGNING_KEY_FILE": str(where / "signing.key"),
                "OMNITOKO_CENTRAL_SERVER__PUSH_SLOTS": str(PUSH_SLOTS),
            }
            log = (where / "central.log").open("wb")
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "omnitoko.cli",
                    "central",
                    "serve",
                    "--no-worker",
                    "--workers",
                    str(WORKERS),
                    "--threads",
                    str(THREADS),
                    "--port",
                    str(port),
                    "--config",
                    str(ROOT / "central.toml"),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            _wait_healthy(base)

            stop = threading.Event()
            seen: list[int] = []
            watcher = threading.Thread(target=_max_connections, args=(PG, app_name, stop, seen), daemon=True)
            watcher.start()
            chunks = [(tokens + idle)[i::CLIENTS] for i in range(CLIENTS)]
            with multiprocessing.get_context("spawn").Pool(CLIENTS) as pool:
                parts = pool.map(_client, [(base, chunk, SECONDS) for chunk in chunks])
            elapsed = max(p["span"][1] for p in parts) - min(p["span"][0] for p in parts)
            stop.set()
            got: dict[str, list[Any]] = {k: [x for p in parts for x in p[k]] for k in parts[0]}
            applied = sum(got["applied"])
            bound = connections(config, WORKERS)
            rows = [
                row(f"{N_STORES} stores at once: events applied per second", applied / elapsed, "events/s"),
                row("push p50 (a batch of 5 sales)", percentile(got["push"], 50) * 1000, "ms"),
                row("push p99", percentile(got["push"], 99) * 1000, "ms", "< 1 s"),
                row("pull p99 while everyone pushes", percentile(got["pull"], 99) * 1000, "ms"),
                row(
                    f"idle pull p99 ({IDLE_STORES} stores with nothing new, while the others push)",
                    percentile(got["idle"], 99) * 1000 if got["idle"] else 0.0,
                    "ms",
                    "< 50 ms",
                ),
                row("responses >= 500 and failed requests", float(len(got["errors"])), "errors", "0"),
                row(
                    "most PostgreSQL connections held",
                    float(max(seen) if seen else 0),
                    "connections",
                    f"<= {bound} (configured bound)",
                ),
            ]
            db = config.database
            print_table(
                rows,
                f"central_scale: {N_STORES} stores, {elapsed:.0f} s; gunicorn {WORKERS} workers x {THREADS} threads, "
                f"{PUSH_SLOTS} push slots and a pool of {db.pool_size}+{db.max_overflow} connections per worker; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            )
            return rows
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"central did not answer at {base}")


if __name__ == "__main__":
    run()
