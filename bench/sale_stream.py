"""The sale stream bench/checkout.py times: whole sales through the real store services on a SQLite file."""

from __future__ import annotations

import random
import secrets
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bench.sqlite_raw import no_checkpoints, wal_frames
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.migrate import upgrade
from pos.adapters.tables import Product
from pos.services import auth, checkout, setup, shifts, till_sale
from pos.services.context import StoreContext

ROOT = Path(__file__).resolve().parents[1]
ITEMS = 5  # lines in each whole sale: issue 18 sets its goal on "a whole 5-item sale"


def make_store(where: Path) -> StoreContext:
    """A migrated store database with the demo minimarket, under `where`."""
    config = load_config(ROOT / "config.toml", environ={})
    config.database.url = f"sqlite:///{where / 'store.db'}"
    config.server.secret_key = secrets.token_urlsafe(48)  # a throwaway store: the server needs a key of its own
    config.store.tills = [*config.store.tills, "T3"]  # a till for the split stream (T1: the till stream, T2: scans)
    upgrade(config.database.url)
    ctx = bootstrap.store_context(config, steps=())
    setup.load_demo_data(ctx)
    return ctx


class SaleStream:
    """Whole sales through the real services: 5 scans by barcode (the first starts the sale), then cash. As the till
    sends it, the payment key completes the sale with its payment (checkout.pay: one transaction); a `split` stream
    takes the payment and then calls complete() (the API's other path), which times complete() alone."""

    def __init__(self, ctx: StoreContext, *, split: bool = False) -> None:
        self.ctx, self.split = ctx, split
        # Each stream on a till of its own (a till has one open sale); the same cashier may work both.
        _, self.cashier = auth.sign_in(ctx, "1001", "1234", "T3" if split else "T1")
        shifts.open_shift(ctx, self.cashier, 200_000)
        with ctx.db.sessions() as s:
            # Goods sold by the item: a weighed product's barcode asks the till for its weight (issue 16).
            unit_goods = select(Product.barcode).where(Product.barcode.is_not(None), Product.measure == "unit")
            self.barcodes = list(s.scalars(unit_goods.limit(400)))
        self.rng = random.Random(7)
        self.rounds(10)  # warm up

    def one_sale(self, before_complete: Callable[[], object] = lambda: None) -> tuple[int, float, float]:
        """(transactions, seconds inside the completing call, CPU seconds inside it). As the till does it: the first
        scan starts the sale (POST /sales/lines), the others go to it, then the payment that completes it (POST
        /sales/{id}/pay); in a split stream the payment, then complete() (the call timed)."""
        ctx, cashier = self.ctx, self.cashier
        plan = self.rng.sample(self.barcodes, ITEMS)
        sale = till_sale.add_line(ctx, cashier, None, barcode=plan[0])
        for code in plan[1:]:
            sale = till_sale.add_line(ctx, cashier, sale["id"], barcode=code)
        given = sale["due"] + 10_000
        if self.split:
            till_sale.add_tender(ctx, cashier, sale["id"], "cash", given)
        before_complete()
        t, cpu = time.perf_counter(), time.process_time()
        if self.split:
            done = checkout.complete(ctx, cashier, sale["id"])
        else:
            done = checkout.pay(ctx, cashier, sale["id"], "cash", given)
        elapsed, used = time.perf_counter() - t, time.process_time() - cpu
        assert done["state"] == "completed", "every sale of the stream completes"
        return len(plan) + 1 + self.split, elapsed, used

    def rounds(self, count: int) -> dict[str, float]:
        """Sales/s, completing calls/s (their time alone), transactions/s and per sale, CPU, over `count` sales."""
        txns, in_complete, cpu_complete = 0, 0.0, 0.0
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            t, c, cc = self.one_sale()
            txns, in_complete, cpu_complete = txns + t, in_complete + c, cpu_complete + cc
        elapsed = time.perf_counter() - start
        return {
            "sales": count / elapsed,
            "complete": count / in_complete,
            "txns": txns / elapsed,
            "txn_per_sale": txns / count,
            "cpu_sale": (time.process_time() - cpu) * 1000 / count,
            "cpu_complete": cpu_complete * 1000 / count,
        }

    def pages(self, con: sqlite3.Connection, count: int) -> tuple[float, float]:
        """WAL pages a whole sale's edits write, and its completion, over `count` sales on the store's SQLite
        connection `con`: what the completing FULL commit has to flush (the edits' NORMAL commits are made durable by
        it)."""
        starts: list[float] = []
        paid: list[float] = []  # the WAL's frames as each sale's completing call begins
        with no_checkpoints(con):
            for _ in range(count):
                starts.append(wal_frames(con))
                self.one_sale(before_complete=lambda: paid.append(wal_frames(con)))
            edits = sum(p - s for s, p in zip(starts, paid, strict=True))
            return edits / count, (wal_frames(con) - edits) / count
