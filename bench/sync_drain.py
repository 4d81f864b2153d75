"""Draining a store's backlog into the central store on PostgreSQL, against raw PostgreSQL, in one run:

(a) events per second: 10,000 queued sales (two lines and a cash tender each, stock received beforehand so
    they stay above zero) pushed by the real agent over HTTP (werkzeug, threaded, on 127.0.0.1) into the
    central store on PostgreSQL; a batch's run of events applied in one transaction, with multi-row statements;
(b) the raw PostgreSQL insert rate of the same rows (the sale, its lines, tenders, ledger entries and the
    applied-event row that central wrote, read back), inserted with psycopg into a copy of the tables in one
    transaction per sale; and their ratio (a) / (b) (goal >= 2.5); for insight, also the same rows in one bulk
    transaction;
(c) an idle sync round (nothing to push, nothing new to pull): the requests it makes (goal: one), its median
    time (goal < 50 ms) and the central store's own CPU per idle pull: the serving thread's CPU time, and
    time.process_time() around 1,000 idle pulls called straight on the WSGI app (goal < 1 ms).

Run: python -m bench.sync_drain (or `make bench`). Needs the PostgreSQL at OMNITOKO_BENCH_PG (default
postgresql+psycopg://postgres@127.0.0.1:5432/test); works in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import statistics
import threading
import time
import uuid
from typing import Any

import psycopg
from sqlalchemy import insert, select, update
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder

from bench import Row, pg_schema, print_table, row, scratch_dir
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import demo, feed, stock, stores
from central.services.context import CentralContext
from central.services.stock import Movement
from central.tables import AppliedEvent, Sale, SaleLine, StockEntry, Tender
from central.web.app import create_central_app
from common.contract.names import EventType
from common.contract.wire import canonical_json
from common.db import Database
from common.demo_data import demo_products
from common.pricing import taxes_by_group
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.migrate import upgrade as store_upgrade
from pos.adapters.tables import Counter, OutboxEvent
from pos.services import setup
from sync_agent.agent import Agent

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SALES = int(os.environ.get("BENCH_SYNC_SALES", "10000"))
IDLE_ROUNDS = int(os.environ.get("BENCH_IDLE_ROUNDS", "20"))
IDLE_IN_PROCESS = 1000  # idle pulls timed with process_time, straight on the WSGI app
STORE = "TOKO-01"
SKUS = [p.sku for p in demo_products()[:40]]
FACT_TABLES = [Sale, SaleLine, Tender, StockEntry, AppliedEvent]


def sale_payload(n: int, store_id: str = STORE) -> dict[str, Any]:
    """A cash sale of two PPN items as the store's checkout writes it (tax per group, as central checks it)."""
    lines = [
        {
            "id": str(uuid.uuid4()),
            "sku": sku,
            "name": sku,
            "qty": 1,
            "unit_price": 3500,
            "line_discount": 0,
            "sale_discount": 0,
            "net": 3500,
            "tax_group": "PPN",
        }
        for sku in (SKUS[n % 40], SKUS[(n * 7 + 3) % 40])
    ]
    taxes = [
        {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
        for t in taxes_by_group([("PPN", 1100, 7000)])
    ]
    return {
        "sale_id": str(uuid.uuid4()),
        "number": f"{store_id}-T1-{n:06d}",
        "store_id": store_id,
        "till_id": "T1",
        "completed_at": "2026-11-23T10:00:00",
        "currency": "IDR",
        "lines": lines,
        "tenders": [{"id": str(uuid.uuid4()), "type": "cash", "amount": 7000}],
        "taxes": taxes,
        "subtotal": 7000,
        "discount": 0,
        "tax": taxes[0]["tax"],
        "rounding": 0,
        "total": 7000,
        "paid": 7000,
        "change": 0,
    }


def queue_sales(db: Database, n: int) -> None:
    """The backlog of a store that was offline: n sale events in the outbox (Core inserts, one transaction)."""
    rows = []
    for i in range(1, n + 1):
        body = canonical_json(sale_payload(i))
        rows.append(
            {
                "event_id": str(uuid.uuid4()),
                "store_seq": i,
                "store_id": STORE,
                "device_id": "T1",
                "type": EventType.SALE_COMPLETED,
                "schema_version": 1,
                "payload": body,
                "payload_hash": hashlib.sha256(body.encode()).hexdigest(),
            }
        )
    with db.unit_of_work() as s:
        for k in range(0, n, 2000):
            s.execute(insert(OutboxEvent), rows[k : k + 2000])
        if s.scalar(select(Counter.value).where(Counter.name == "store_seq")) is None:
            s.execute(insert(Counter).values(name="store_seq", value=n))
        else:
            s.execute(update(Counter).where(Counter.name == "store_seq").values(value=n))


class CountRequests:
    """Counts the requests and the server CPU each one costs (the serving thread's own CPU time, body included:
    what the central store's process spends on it, not the database's)."""

    def __init__(self, app: Any) -> None:
        self.app, self.count = app, 0
        self.cpu: list[float] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.count += 1
        started = time.thread_time()
        body = b"".join(self.app(environ, start_response))
        self.cpu.append(time.thread_time() - started)
        return [body]


def feed_head(ctx: CentralContext) -> int:
    with ctx.db.sessions() as s:
        return feed.head(s)[1]


def idle_pull_cpu(app: Any, token: str, cursor: int) -> float:
    """Milliseconds of this process's CPU (time.process_time) per idle pull, called straight on the WSGI app with
    an agent's headers: the server's own work, without the HTTP server or the client."""
    environ = EnvironBuilder(
        path="/api/v1/sync/pull",
        query_string=f"cursor={cursor}&limit=500",
        headers=[("Authorization", f"Bearer {token}"), ("X-Omnitoko-Status", "version=bench;depth=0;round=0.1")],
    ).get_environ()
    status: list[str] = []

    def call() -> bytes:
        return b"".join(app(dict(environ), lambda code, headers, exc_info=None: status.append(code)))

    for _ in range(20):  # warm: pool, statement caches
        assert b'"changes":[]' in call().replace(b" ", b""), "the pull was not idle"
    started = time.process_time()
    for _ in range(IDLE_IN_PROCESS):
        call()
    took = time.process_time() - started
    assert all(code.startswith("200") for code in status), set(status)
    return took / IDLE_IN_PROCESS * 1000


def raw_rates(url: str, schema: str) -> tuple[float, float, int]:
    """Insert the rows central wrote into copies of its tables with psycopg: per sale, then in bulk."""
    conninfo = make_url(url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(conninfo, options=f"-csearch_path={schema}") as con:
        facts: dict[str, list[tuple[Any, ...]]] = {}
        columns: dict[str, list[str]] = {}
        for model in FACT_TABLES:
            name = model.__tablename__
            cur = con.execute(f"SELECT * FROM {name}")
            assert cur.description is not None  # a SELECT always describes its columns
            columns[name] = [d.name for d in cur.description]
            facts[name] = cur.fetchall()
            con.execute(f"CREATE TABLE raw_{name} (LIKE {name} INCLUDING ALL)")
        con.commit()
        by_sale = _group(facts, columns)
        sql = {
            n: f"INSERT INTO raw_{n} ({', '.join(c)}) VALUES ({', '.join(['%s'] * len(c))})" for n, c in columns.items()
        }
        start = time.perf_counter()
        for sale_rows in by_sale:
            with con.cursor() as cur:
                for name, rows in sale_rows:
                    if len(rows) == 1:
                        cur.execute(sql[name], rows[0])
                    else:
                        cur.executemany(sql[name], rows)
            con.commit()
        per_sale = len(by_sale) / (time.perf_counter() - start)
        for name in columns:
            con.execute(f"TRUNCATE raw_{name}")
        con.commit()
        start = time.perf_counter()
        with con.cursor() as cur:
            for name, rows in facts.items():
                cur.executemany(sql[name], rows)
        con.commit()
        bulk = len(by_sale) / (time.perf_counter() - start)
        return per_sale, bulk, sum(len(r) for r in facts.values())


def _group(facts: dict[str, list[tuple[Any, ...]]], columns: dict[str, list[str]]) -> list[list[tuple[str, list]]]:
    """Each sale's rows, table by table, in the order central writes them."""
    idx = {n: {c: i for i, c in enumerate(cols)} for n, cols in columns.items()}
    lines: dict[str, list] = {}
    for r in facts["sale_lines"]:
        lines.setdefault(r[idx["sale_lines"]["sale_id"]], []).append(r)
    tenders: dict[str, list] = {}
    for r in facts["tenders"]:
        tenders.setdefault(r[idx["tenders"]["sale_id"]], []).append(r)
    entries: dict[str, list] = {}
    for r in facts["stock_entries"]:
        entries.setdefault(r[idx["stock_entries"]["event_id"]], []).append(r)
    applied = {r[idx["applied_events"]["event_id"]]: r for r in facts["applied_events"]}
    out = []
    for s in facts["sales"]:
        sale_id, event_id = s[idx["sales"]["id"]], s[idx["sales"]["event_id"]]
        out.append(
            [
                ("sales", [s]),
                ("sale_lines", lines.get(sale_id, [])),
                ("tenders", tenders.get(sale_id, [])),
                ("stock_entries", entries.get(event_id, [])),
                ("applied_events", [applied[event_id]]),
            ]
        )
    return [[(n, rows) for n, rows in sale if rows] for sale in out]


def run() -> list[Row]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with pg_schema(PG, "omnitoko_bench") as (url, schema):
        server = None
        try:
            central_upgrade(url)
            config = CentralConfig()
            config.database.url = url
            config.server.secret_key = secrets.token_urlsafe(48)  # a throwaway central: it needs a key of its own
            ctx = CentralContext(db=central_database(url), config=config)
            demo.load(ctx, products_limit=40)
            token = stores.add_store(ctx, STORE)
            with ctx.db.unit_of_work() as s:  # a delivery first: the sales below stay above zero, as most do
                feed.append(
                    s,
                    ctx,
                    stock.post(s, ctx, STORE, [Movement(str(uuid.uuid4()), sku, 100_000, "receipt") for sku in SKUS]),
                )
            app = create_central_app(config, db=ctx.db)
            counter = CountRequests(app.wsgi_app)
            app.wsgi_app = counter  # type: ignore[method-assign]  # Flask's documented way to wrap its WSGI app
            server = make_server("127.0.0.1", 0, app, threaded=True)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

            where = scratch_dir("sync_drain")
            store_config = load_config(None, environ={})
            store_config.database.url = f"sqlite:///{where / 'store.db'}"
            store_upgrade(store_config.database.url)
            setup.load_demo_data(bootstrap.store_context(store_config, steps=()))
            sync = store_config.sync
            sync.central_url, sync.token = f"http://127.0.0.1:{server.server_port}", token
            sync.batch_size, sync.timeout_seconds = 500, 60
            store_db = Database(store_config.database.url)
            agent = Agent(store_config, db=store_db, say=lambda _line: None)
            agent.round()  # first contact: the catalog and other stores' stock come down before the clock starts
            queue_sales(store_db, SALES)

            started = time.perf_counter()
            report = agent.round()
            drained = time.perf_counter() - started
            assert report.ok and report.push.applied == SALES, report.summary()
            drain_rate = SALES / drained

            per_sale, bulk, raw_rows = raw_rates(url, schema)

            times, requests, cpu = [], [], []
            for _ in range(IDLE_ROUNDS):
                before = counter.count
                t0 = time.perf_counter()
                idle = agent.round()
                times.append((time.perf_counter() - t0) * 1000)
                requests.append(counter.count - before)
                cpu.append(sum(counter.cpu[-(counter.count - before) :]) * 1000 if counter.count > before else 0.0)
                assert idle.ok and idle.push.sent == 0 and idle.pulled == 0
            agent.close()
            in_process = idle_pull_cpu(app, token, feed_head(ctx))
            return [
                row(f"drain {SALES:,} sales into central (PostgreSQL, over HTTP)", drain_rate, "events/s"),
                row("raw PostgreSQL insert of the same rows, one transaction per sale", per_sale, "sales/s"),
                row(
                    "drain rate / raw insert rate",
                    drain_rate / per_sale,
                    "x",
                    ">= 2.5",
                    baseline="raw insert, one transaction per sale",
                    ratio=drain_rate / per_sale,
                ),
                row(
                    f"raw PostgreSQL insert of the same {raw_rows:,} rows in one bulk transaction",
                    bulk,
                    "sales/s",
                    baseline="for insight",
                    ratio=drain_rate / bulk,
                ),
                row("idle sync round: requests to central", statistics.median(requests), "requests", "1"),
                row("idle sync round: median time", statistics.median(times), "ms", "< 50 ms"),
                row("idle pull: central's CPU per request (median)", statistics.median(cpu), "ms", "< 1 ms"),
                row(
                    f"idle pull: process CPU per request, {IDLE_IN_PROCESS} in-process WSGI calls (process_time)",
                    in_process,
                    "ms",
                    "< 1 ms",
                ),
            ]
        finally:
            if server is not None:
                server.shutdown()


if __name__ == "__main__":
    print_table(run(), title=__doc__.splitlines()[0])
