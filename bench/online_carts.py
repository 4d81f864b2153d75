"""Online carts at central, on SQLite and PostgreSQL, over real HTTP (werkzeug, threaded, 127.0.0.1):

(a) the median time of a claim and of a checkout as a store server makes them (CartsClient). The checkout runs
    while the store's sale transaction is open, so it is what an online-cart sale adds to a till's completion
    (goal < 50 ms on a LAN-near central; the store gives up after online_carts.central_timeout_seconds);
(b) contention: 8 tills claim the same carts at once; claims answered per second, and winners per cart (must be 1).

Run: python -m bench.online_carts (or `make bench`). PostgreSQL at OMNITOKO_BENCH_PG (default
postgresql+psycopg://postgres@127.0.0.1:5432/test), in a schema of its own dropped at the end.
"""

from __future__ import annotations

import logging
import os
import secrets
import statistics
import threading
import time
import uuid
from typing import Any

from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from bench import Row, print_table, row, scratch_dir
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import carts, demo, stores
from central.services.context import CentralContext
from central.web.app import create_central_app
from pos.adapters.central_carts import CartsClient, Refused

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CARTS = int(os.environ.get("BENCH_CARTS", "200"))
TILLS = 8


def _central(url: str) -> tuple[CentralContext, str, Any]:
    central_upgrade(url)
    cfg = CentralConfig()
    cfg.database.url = url
    cfg.server.secret_key = secrets.token_urlsafe(48)  # a throwaway central: the server needs a key of its own
    ctx = CentralContext(db=central_database(url), config=cfg)
    demo.load(ctx, products_limit=40)
    token = stores.add_store(ctx, "TOKO-01", "Omnitoko Kemang")
    app = create_central_app(cfg, db=ctx.db)
    app.extensions["omnitoko_central"] = ctx
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return ctx, token, server


def _measure(backend: str, url: str) -> list[Row]:
    ctx, token, server = _central(url)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        codes = [carts.add_item(ctx, None, "SKU-00001", 2)["code"] for _ in range(CARTS)]
        client = CartsClient(base, token, 10.0)
        claim_ms, checkout_ms = [], []
        for code in codes[: CARTS // 2]:
            t0 = time.perf_counter()
            cart = client.claim(code, "T1")
            t1 = time.perf_counter()
            sale = str(uuid.uuid4())
            client.checkout(
                cart["id"],
                {
                    "device_id": "T1",
                    "fence": cart["fence"],
                    "checkout_id": sale,
                    "sale_id": sale,
                    "number": "TOKO-01-T1-000001",
                    "till_id": "T1",
                    "total": cart["total"],
                },
            )
            claim_ms.append((t1 - t0) * 1000)
            checkout_ms.append((time.perf_counter() - t1) * 1000)
        contended = codes[CARTS // 2 :]
        wins: dict[str, int] = {c: 0 for c in contended}
        lock, go = threading.Lock(), threading.Barrier(TILLS)

        def till(n: int) -> None:
            mine = CartsClient(base, token, 10.0)
            go.wait()
            for code in contended:
                try:
                    mine.claim(code, f"T{n}")
                    with lock:
                        wins[code] += 1
                except Refused:
                    pass

        threads = [threading.Thread(target=till, args=(n,)) for n in range(TILLS)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - t0
        return [
            row(f"{backend}: claim, median", statistics.median(claim_ms), "ms", "< 50 ms"),
            row(
                f"{backend}: checkout (held in the sale's transaction), median",
                statistics.median(checkout_ms),
                "ms",
                "< 50 ms",
            ),
            row(
                f"{backend}: contended claims answered ({TILLS} tills x {len(contended)} carts)",
                TILLS * len(contended) / seconds,
                "claims/s",
                "",
            ),
            row(f"{backend}: winners per contended cart (max)", max(wins.values()), "", "== 1"),
            row(f"{backend}: carts with no winner", sum(1 for v in wins.values() if v == 0), "", "== 0"),
        ]
    finally:
        server.shutdown()
        ctx.db.dispose()


def run() -> list[Row]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    rows = _measure("SQLite", f"sqlite:///{scratch_dir('online_carts') / 'central.db'}")
    schema = f"bench_carts_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        rows += _measure("PostgreSQL", f"{PG}?options=-csearch_path%3D{schema}")
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return rows


if __name__ == "__main__":
    print_table(run())
