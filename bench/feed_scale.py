"""The feed at chain scale: a synthetic 1,000 stores x 10,000 SKUs on PostgreSQL (issue 14).

Bulk-loads (INSERT ... SELECT generate_series, one statement per table) the feed a chain that size holds: 10,000
products, the online shop's 10,000 stock figures, and every store's 10,000 figures (10 M feed rows), with
autovacuum off and no ANALYZE. Figures: the load, a new store's first pull (its snapshot, then the feed from the
cursor it names: bytes and seconds, through the sync API), the stores one stock change is delivered to, whether
an idle pull writes (every statement the app runs is logged), whether the page and snapshot queries read by index
without planner statistics, and how many feed rows 100 changes of one key add.

Run: python -m bench.feed_scale (or `make bench`). BENCH_FEED_STORES / BENCH_FEED_SKUS (defaults 1000 / 10000)
for another size; OMNITOKO_BENCH_PG names the PostgreSQL.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from sqlalchemy import event, text

from bench import Row, percentile, pg_schema, print_table, row
from central.bootstrap import central_context
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import feed, snapshot, stock, stores
from central.web.app import create_central_app
from sync_agent.agent import PULL_LIMIT

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
N_STORES = int(os.environ.get("BENCH_FEED_STORES", "1000"))
N_SKUS = int(os.environ.get("BENCH_FEED_SKUS", "10000"))
IDLE_PULLS = 200

PRODUCT = (
    "json_build_object('sku', 'SKU-' || lpad(g::text, 6, '0'), 'barcode', (8990000000000 + g)::text, "
    "'name', 'Produk sintetis nomor ' || g, 'category', 'C' || (g % 40), 'price', 1000 + (g % 997) * 100, "
    "'tax_group', 'PPN', 'unit', 'pcs', 'active', true, 'tax_rate_bp', 1100, 'tax_name', 'PPN 11%', "
    "'category_name', 'Kategori ' || (g % 40), 'category_name_en', 'Category ' || (g % 40))::text"
)


def _stock_json(location: str, sku_expr: str) -> str:
    return (
        f"json_build_object('location', {location}, 'name', 'Toko ' || {location}, 'sku', {sku_expr}, "
        "'on_hand', (g * 7) % 150, 'as_of', '2026-12-01T08:00:00')::text"
    )


def load(ctx: Any, url: str) -> float:
    """The synthetic chain, straight into the tables (the migrated schema, its indexes on); seconds taken."""
    started = time.perf_counter()
    store = "'S' || lpad(st::text, 4, '0')"
    with ctx.db.engine.begin() as c:
        c.execute(text("ALTER TABLE changes SET (autovacuum_enabled = false)"))
        c.execute(text("ALTER TABLE stores SET (autovacuum_enabled = false)"))
        c.execute(
            text(
                f"INSERT INTO stores (id, name, token_hash, active, last_seq, created_at) SELECT {store}, "
                f"'Toko ' || {store}, md5({store}), true, 0, now() FROM generate_series(1, CAST(:n AS int)) st"
            ),
            {"n": N_STORES},
        )
        c.execute(
            text(
                f"INSERT INTO locations (code, name, kind) SELECT {store}, 'Toko ' || {store}, 'store' "
                "FROM generate_series(1, CAST(:n AS int)) st"
            ),
            {"n": N_STORES},
        )
        c.execute(
            text(
                "INSERT INTO changes (topic, key, seq, scope, data, changed_at) SELECT 'product', "
                f"'SKU-' || lpad(g::text, 6, '0'), g, NULL, {PRODUCT}, now() FROM generate_series(1, CAST(:k AS int)) g"
            ),
            {"k": N_SKUS},
        )
        sku = "'SKU-' || lpad(g::text, 6, '0')"
        c.execute(
            text(
                "INSERT INTO changes (topic, key, seq, skip_store, scope, data, changed_at) SELECT 'stock', "
                f"'ONLINE:' || {sku}, :k + g, 'ONLINE', NULL, {_stock_json(chr(39) + 'ONLINE' + chr(39), sku)}, now() "
                "FROM generate_series(1, CAST(:k AS int)) g"
            ),
            {"k": N_SKUS},
        )
    for first in range(1, N_STORES + 1, 50):  # 50 stores (500,000 rows) per statement and commit
        with ctx.db.engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO changes (topic, key, seq, skip_store, scope, data, changed_at) "
                    f"SELECT 'stock', {store} || ':' || {sku}, 2 * :k + (st - 1) * :k + g, {store}, {store}, "
                    f"{_stock_json(store, sku)}, now() "
                    "FROM generate_series(CAST(:a AS int), CAST(:b AS int)) st, generate_series(1, CAST(:k AS int)) g"
                ),
                {"k": N_SKUS, "a": first, "b": min(first + 49, N_STORES)},
            )
    with ctx.db.engine.begin() as c:
        c.execute(text("UPDATE central_meta SET feed_seq = (SELECT max(seq) FROM changes) WHERE id = 1"))
    return time.perf_counter() - started


def first_pull(client: Any, token: str) -> tuple[float, int, int, int, int]:
    """A new store's first pull as its agent takes it: (seconds, bytes, changes, requests, largest page bytes)."""
    headers = {"Authorization": f"Bearer {token}"}
    started, size, count, calls, biggest = time.perf_counter(), 0, 0, 0, 0
    params: dict[str, Any] = {"limit": PULL_LIMIT}
    while True:
        got = client.get("/api/v1/sync/snapshot", query_string=params, headers=headers)
        assert got.status_code == 200, got.data[:300]
        page = got.get_json()
        size, count, calls, biggest = (
            size + len(got.data),
            count + len(page["changes"]),
            calls + 1,
            max(biggest, len(got.data)),
        )
        if not page["more"]:
            break
        params = {
            "limit": PULL_LIMIT,
            "epoch": page["epoch"],
            "at": page["at"],
            "part": page["next_part"],
            "after": page["next_after"],
        }
    cursor = page["at"]
    while True:
        got = client.get("/api/v1/sync/pull", query_string={"cursor": cursor, "limit": PULL_LIMIT}, headers=headers)
        page = got.get_json()
        size, count, calls = size + len(got.data), count + len(page["changes"]), calls + 1
        cursor = page["cursor"]
        if not page["more"]:
            return time.perf_counter() - started, size, count, calls, biggest


def deliveries(ctx: Any, location: str) -> int:
    """Post one stock change at `location` and count the stores whose next pull carries it."""
    with ctx.db.sessions() as s:
        _, before = feed.head(s)
    with ctx.db.unit_of_work() as s:
        feed.append(s, ctx, stock.post(s, ctx, location, [stock.Movement(str(uuid.uuid4()), "SKU-000001", -1, "sale")]))
        feed.append(s, ctx, stock.publish(s, ctx, location))
    feed.sequence(ctx)
    key = f"{location}:SKU-000001"
    reached = 0
    with ctx.db.sessions() as s:
        for i in range(1, N_STORES + 1):
            sid = f"S{i:04d}"
            page = feed.page(s, sid, before, 100, stores.audience(s, ctx, sid))
            reached += any(c["key"] == key for c in page["changes"])
    return reached


def plans_use_index(ctx: Any) -> int:
    statements = [
        feed.page_statement("S0500", 0, 10**9, PULL_LIMIT, ["S0498", "S0499", "S0501", "S0502", "S0503"]),
        snapshot.part_statement("S0500", None, 0, 10**9, PULL_LIMIT),
        snapshot.part_statement("S0500", "S0501", 0, 10**9, PULL_LIMIT),
    ]
    ok = 1
    with ctx.db.engine.connect() as c:
        for st in statements:
            sql = str(st.compile(ctx.db.engine, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(r[0] for r in c.execute(text("EXPLAIN " + sql)))
            ok &= int("Seq Scan on changes" not in plan and "ix_changes_scope_seq" in plan)
    return ok


def run() -> list[Row]:
    with pg_schema(PG, "omnitoko_feed") as (url, _schema):
        central_upgrade(url)
        config = CentralConfig()
        config.database.url = url
        config.server.secret_key = uuid.uuid4().hex * 2
        ctx = central_context(config, central_database(url))
        stores.ensure_meta(ctx)
        loaded = load(ctx, url)
        with ctx.db.sessions() as s:
            feed_rows = int(s.scalar(text("SELECT count(*) FROM changes")))
        index_plans = plans_use_index(ctx)  # before anything has run ANALYZE

        newcomer = f"S{N_STORES + 1:04d}"
        token = stores.add_store(ctx, newcomer, "Toko baru")
        stores.set_neighbours(ctx, newcomer, None, [f"S{i:04d}" for i in range(1, 6)])
        app = create_central_app(config, db=ctx.db)
        app.extensions["omnitoko_central"] = ctx
        client = app.test_client()
        seconds, size, count, calls, biggest = first_pull(client, token)

        writes: list[str] = []

        def log(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            if not statement.lstrip().upper().startswith(("SELECT", "WITH", "SHOW", "BEGIN", "ROLLBACK", "COMMIT")):
                writes.append(statement)

        headers = {"Authorization": f"Bearer {token}"}
        with ctx.db.sessions() as s:
            _, top = feed.head(s)
        event.listen(ctx.db.engine, "before_cursor_execute", log)
        idle: list[float] = []
        for _ in range(IDLE_PULLS):
            t0 = time.perf_counter()
            got = client.get("/api/v1/sync/pull", query_string={"cursor": top, "limit": PULL_LIMIT}, headers=headers)
            idle.append(time.perf_counter() - t0)
            assert got.status_code == 200 and not got.get_json()["changes"]
        event.remove(ctx.db.engine, "before_cursor_execute", log)

        reached = deliveries(ctx, f"S{N_STORES // 2:04d}")
        with ctx.db.sessions() as s:
            rows_before = int(s.scalar(text("SELECT count(*) FROM changes")))
        for _ in range(100):
            with ctx.db.unit_of_work() as s:
                moves = [stock.Movement(str(uuid.uuid4()), "SKU-000002", 1, "receipt")]
                feed.append(s, ctx, stock.post(s, ctx, "S0001", moves))
                feed.append(s, ctx, stock.publish(s, ctx, "S0001"))
        feed.sequence(ctx)
        with ctx.db.sessions() as s:
            grown = int(s.scalar(text("SELECT count(*) FROM changes"))) - rows_before
        neighbours = config.sync.neighbours
        ctx.db.dispose()
    scale = f"{N_STORES:,} stores x {N_SKUS:,} SKUs"
    return [
        row(f"{scale}: feed rows bulk-loaded", feed_rows, "rows"),
        row("bulk load (INSERT ... SELECT, indexes on)", loaded, "s"),
        row("new store's first pull: time (snapshot + feed)", seconds, "s", "< 60 s"),
        row("new store's first pull: bytes", size / 1e6, "MB", "< 50 MB"),
        row("new store's first pull: changes / requests", count, f"changes in {calls} requests"),
        row("largest snapshot page (what the server holds)", biggest / 1e3, "kB"),
        row("stores one stock change is delivered to", reached, "stores", f"<= {neighbours} (+ the shop)"),
        row(f"idle pulls: statements that write (of {IDLE_PULLS})", len(writes), "statements", "0"),
        row("idle pull p99 (test client, in process)", percentile(idle, 99) * 1000, "ms", "< 50 ms"),
        row("page + snapshot queries by index, no ANALYZE", index_plans, "1 = yes", "1"),
        row("feed rows added by 100 changes of one key", grown, "rows", "0"),
    ]


if __name__ == "__main__":
    print_table(run())
