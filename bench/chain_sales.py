"""Head office's sales by store (`/admin/sales`) on a chain-sized table, on PostgreSQL.

BENCH_CHAIN_STORES stores (default 1,000: 7 in 10 on WIB, 2 on WITA, 1 on WIT, as Indonesia's chains spread) each
with BENCH_CHAIN_SALES_PER_DAY sales a day (default 40) over BENCH_CHAIN_DAYS of its own days (default 35), one
refund per 20 sales, written with multi-row inserts straight into the tables (the push path is measured by
bench.central_scale). Then the report for 1 day, 7 days and 31 days (each store's own days), each timed
BENCH_CHAIN_REPEAT times (default 3, the best kept), beside the baseline measured in the same run: one plain
`count(*)` and `sum(total)` over the sales of the same range on every clock (what the report cannot beat: it reads
the same rows, and the refunds besides).

Run: python -m bench.chain_sales (or `make bench`). Needs the PostgreSQL at OMNITOKO_BENCH_PG; works in a schema of
its own, dropped at the end.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from bench import Row, pg_schema, print_table, row
from central.config import CentralConfig
from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import chain_sales
from central.services.context import CentralContext
from central.tables import Refund, Sale, Store

PG = os.environ.get("OMNITOKO_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
STORES = int(os.environ.get("BENCH_CHAIN_STORES", "1000"))
PER_DAY = int(os.environ.get("BENCH_CHAIN_SALES_PER_DAY", "40"))
DAYS = int(os.environ.get("BENCH_CHAIN_DAYS", "35"))
REPEAT = int(os.environ.get("BENCH_CHAIN_REPEAT", "3"))
LAST = date(2026, 11, 30)
# Each store's clock and how far ahead of UTC it is; the shop's (the default [shop] timezone) is WIB.
ZONES = (
    ("Asia/Jakarta", timedelta(hours=7)),
    ("Asia/Makassar", timedelta(hours=8)),
    ("Asia/Jayapura", timedelta(hours=9)),
)
WIB, WIT = ZONES[0][1], ZONES[2][1]


def _zone(n: int) -> tuple[str, timedelta]:
    return ZONES[0] if n % 10 < 7 else ZONES[1] if n % 10 < 9 else ZONES[2]


def _fill(ctx: CentralContext) -> int:
    """The chain's sales and refunds, a day at a time (each day one statement per table)."""
    ids = [f"S{i:04d}" for i in range(STORES)]
    with ctx.db.unit_of_work() as s:
        s.execute(
            insert(Store),
            [
                {"id": i, "name": f"Toko {i}", "token_hash": uuid.uuid4().hex, "timezone": _zone(n)[0]}
                for n, i in enumerate(ids)
            ],
        )
    written = 0
    for d in range(DAYS):
        day = LAST - timedelta(days=DAYS - 1 - d)
        sales, refunds = [], []
        for n, store_id in enumerate(ids):
            zone, ahead = _zone(n)
            for k in range(PER_DAY):
                at = datetime.combine(day, datetime.min.time()) - ahead + timedelta(minutes=(n + k * 17) % 1440)
                sale_id = str(uuid.uuid4())
                total = 5_000 + 500 * ((n * 7 + k) % 40)
                sales.append(_sale(sale_id, store_id, f"{store_id}-T1-{d:03d}{k:04d}", at, total, zone))
                if k % 20 == 0:
                    refunds.append(_refund(sale_id, store_id, f"{store_id}-T1-R{d:03d}{k:04d}", at, total // 4))
        with ctx.db.unit_of_work() as s:
            s.execute(insert(Sale), sales)
            s.execute(insert(Refund), refunds)
        written += len(sales)
    return written


def _sale(sale_id: str, store_id: str, number: str, at: datetime, total: int, zone: str) -> dict[str, object]:
    return {
        "id": sale_id,
        "store_id": store_id,
        "number": number,
        "till_id": "T1",
        "completed_at": at,
        "timezone": zone,
        "currency": "IDR",
        "subtotal": total,
        "discount": 0,
        "tax": total * 11 // 111,
        "rounding": 0,
        "total": total,
        "paid": total,
        "change": 0,
        "event_id": sale_id,
        "recorded_at": at,
    }


def _refund(sale_id: str, store_id: str, number: str, at: datetime, amount: int) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "store_id": store_id,
        "number": number,
        "sale_id": sale_id,
        "till_id": "T1",
        "tender_type": "cash",
        "amount": amount,
        "created_at": at + timedelta(hours=2),
        "event_id": str(uuid.uuid4()),
    }


def _best(job: Callable[[], None]) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def run() -> list[Row]:
    with pg_schema(PG, "omnitoko_bench_chain") as (url, _):
        central_upgrade(url)
        config = CentralConfig()
        config.database.url = url
        ctx = CentralContext(db=central_database(url), config=config)
        started = time.perf_counter()
        written = _fill(ctx)
        fill_s = time.perf_counter() - started
        with ctx.db.engine.connect() as c:
            c.exec_driver_sql("ANALYZE sales")
            c.exec_driver_sql("ANALYZE refunds")
        rows = [row("sales written (multi-row inserts)", written, "sales", baseline=f"{fill_s:.1f} s")]
        for days in (1, 7, 31):
            start = LAST - timedelta(days=days - 1)
            lo = datetime.combine(start, datetime.min.time()) - WIT  # the range's first day begins first in the east
            hi = datetime.combine(LAST + timedelta(days=1), datetime.min.time()) - WIB

            def plain(lo: datetime = lo, hi: datetime = hi) -> None:
                with ctx.db.sessions() as s:
                    s.execute(
                        select(func.count(), func.sum(Sale.total)).where(
                            Sale.completed_at >= lo, Sale.completed_at < hi
                        )
                    ).one()

            def report(start: date = start, days: int = days) -> None:
                data = chain_sales.report(ctx, start, LAST)
                assert data["totals"]["sales"] == STORES * PER_DAY * min(days, DAYS)

            base = _best(plain)
            took = _best(report)
            rows.append(
                row(
                    f"sales by store, {days} day(s), {STORES} stores",
                    round(took, 1),
                    "ms",
                    goal="< 1 s" if days == 31 else "",
                    baseline=f"count+sum {base:.1f} ms",
                    ratio=round(took / base, 2) if base else None,
                )
            )
        ctx.db.dispose()
    return rows


if __name__ == "__main__":
    print_table(run())
