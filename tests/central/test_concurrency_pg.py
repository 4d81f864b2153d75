"""Many stores at once on the real PostgreSQL: 8 stores x 2 threads push sales over shared SKUs while pulling.

What a chain needs from the central store under load: no 5xx (deadlocks and serialization failures are retried
inside), every event applied exactly once, stock equal to its ledger, every store's pulled view of the others
equal to central's figures, and no feed change skipped by any cursor.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from sqlalchemy import func, or_, select
from synckit import CentralHarness, central_config, empty_central_url, pg_url, start_server  # noqa: F401
from synckit_store import SKUS, sale_payload

from central.db import central_database
from central.services import demo, stores
from central.services.context import CentralContext
from central.tables import AppliedEvent, Change, DeadLetter, Sale, StockEntry, StockLevel
from central.web.app import create_central_app
from common.contract.wire import canonical_json

STORES = [f"TOKO-{i:02d}" for i in range(1, 9)]
THREADS_PER_STORE = 2
EVENTS_PER_STORE = 256  # 8 x 256 = 2,048 events
BATCH = 8
SHARED = SKUS[:6]  # every store sells these: the same products, the same change keys' neighbours


@dataclass
class StoreRun:
    store_id: str
    token: str
    batches: list[list[dict[str, Any]]]
    next_batch: int = 0
    cursor: int = 0
    view: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (topic, key) -> latest data
    seqs: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    pull_lock: threading.Lock = field(default_factory=threading.Lock)


def _events(store_id: str) -> list[dict[str, Any]]:
    out = []
    for seq in range(1, EVENTS_PER_STORE + 1):
        payload = sale_payload(
            store_id, seq, skus=[SHARED[seq % len(SHARED)], SHARED[(seq + 1) % len(SHARED)], SKUS[6 + seq % 30]]
        )
        out.append(
            {
                "event_id": str(uuid.uuid4()),
                "store_id": store_id,
                "device_id": "T1",
                "store_seq": seq,
                "type": "sale.completed",
                "schema_version": 1,
                "payload": payload,
                "payload_hash": hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
            }
        )
    return out


@pytest.fixture
def chain(request, tmp_path, tmp_path_factory):
    url = empty_central_url("postgresql", tmp_path, tmp_path_factory, request)
    ctx = CentralContext(db=central_database(url), config=central_config(url))
    demo.load(ctx, products_limit=40)
    runs = []
    for store_id in STORES:
        token = stores.add_store(ctx, store_id, f"Toko {store_id}")
        events = _events(store_id)
        runs.append(StoreRun(store_id, token, [events[i : i + BATCH] for i in range(0, len(events), BATCH)]))
    app = create_central_app(ctx.config, db=ctx.db)
    app.extensions["omnitoko_central"] = ctx
    server, thread, base = start_server(app)
    harness = CentralHarness(ctx=ctx, url=base, token=runs[0].token, faults=None, backend="postgresql")  # type: ignore[arg-type]
    for run in runs:  # enough stock everywhere that no sale goes below zero
        stock_up_store(harness, run.store_id)
    yield harness, runs
    server.shutdown()
    thread.join(timeout=5)
    ctx.db.dispose()


def stock_up_store(central: CentralHarness, store_id: str) -> None:
    from central.services import feed, stock

    with central.ctx.db.unit_of_work() as s:
        moves = [stock.Movement(str(uuid.uuid4()), sku, 100_000, "receipt") for sku in SKUS]
        feed.append(s, central.ctx, stock.post(s, central.ctx, store_id, moves))


class Worker(threading.Thread):
    def __init__(self, base: str, run: StoreRun, statuses: Tally, errors: list[str]) -> None:
        super().__init__(daemon=True)
        self.base, self.run_, self.statuses, self.errors = base, run, statuses, errors
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {run.token}"

    def _call(self, method: str, path: str, **kw: Any) -> requests.Response:
        resp = self.http.request(method, self.base + path, timeout=60, **kw)
        self.statuses[resp.status_code] += 1
        if resp.status_code >= 500:
            self.errors.append(f"{self.run_.store_id} {method} {path}: {resp.status_code} {resp.text[:200]}")
        return resp

    def take(self) -> list[dict[str, Any]] | None:
        with self.run_.lock:
            if self.run_.next_batch >= len(self.run_.batches):
                return None
            self.run_.next_batch += 1
            return self.run_.batches[self.run_.next_batch - 1]

    def push(self, batch: list[dict[str, Any]]) -> None:
        """Send until every event of the batch is applied (a gap waits for the other thread's earlier batch)."""
        body = {"store_id": self.run_.store_id, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": batch}
        for _ in range(400):
            resp = self._call("POST", "/api/v1/sync/push", json=body)
            if resp.status_code == 200:
                results = resp.json()["results"]
                if all(r["outcome"] in ("applied", "duplicate") for r in results):
                    bad = [r for r in results if r["status"] != 200]
                    if bad:
                        self.errors.append(f"refused: {bad[:2]}")
                    return
            time.sleep(0.02)
        self.errors.append(f"{self.run_.store_id}: batch from {batch[0]['store_seq']} never applied")

    def pull(self) -> None:
        run = self.run_
        with run.pull_lock:
            while True:
                resp = self._call("GET", "/api/v1/sync/pull", params={"cursor": run.cursor, "limit": 200})
                if resp.status_code != 200:
                    return
                page = resp.json()
                for c in page["changes"]:
                    run.seqs.append(c["seq"])
                    run.view[(c["topic"], c["key"])] = c["data"]
                run.cursor = page["cursor"]
                if not page["more"]:
                    return

    def run(self) -> None:
        try:
            while (batch := self.take()) is not None:
                self.push(batch)
                self.pull()
        except Exception as e:  # noqa: BLE001 - reported by the test, not lost in a thread
            self.errors.append(f"{self.run_.store_id}: {type(e).__name__}: {e}")


def test_eight_stores_pushing_and_pulling_at_once_on_postgresql_apply_every_event_once_and_skip_nothing(chain):
    central, runs = chain
    statuses: Tally = Tally()
    errors: list[str] = []
    workers = [Worker(central.url, run, statuses, errors) for run in runs for _ in range(THREADS_PER_STORE)]
    started = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=600)
    elapsed = time.monotonic() - started
    for w in workers[::THREADS_PER_STORE]:
        w.pull()  # each store catches up once more after everyone stopped
    total = len(STORES) * EVENTS_PER_STORE
    print(
        f"\n{total} events by {len(workers)} threads in {elapsed:.1f} s ({total / elapsed:.0f} events/s); "
        f"responses {dict(statuses)}"
    )

    assert not errors, errors[:5]
    assert not [code for code in statuses if code >= 500]

    # Every event applied exactly once: one applied row per event, one sale per sale event, no dead letter.
    assert central.count(AppliedEvent) == total
    assert central.count(AppliedEvent, AppliedEvent.outcome == "applied") == total
    assert central.count(Sale) == total
    assert central.count(DeadLetter) == 0
    assert central.count(StockEntry, StockEntry.kind == "sale") == total * 3

    # Central stock equals the sum of its ledger, SKU by SKU, store by store.
    ledger = {
        (loc, sku): int(q)
        for loc, sku, q in central.rows(
            select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty)).group_by(
                StockEntry.location, StockEntry.sku
            )
        )
    }
    levels = {
        (loc, sku): int(q)
        for loc, sku, q in central.rows(select(StockLevel.location, StockLevel.sku, StockLevel.on_hand))
    }
    assert levels == {**levels, **ledger} and set(ledger) <= set(levels)
    sold = central.rows(select(func.sum(StockEntry.qty)).where(StockEntry.kind == "sale"))[0][0]
    assert sold == -total * 3

    # Every store's pulled view of the others equals central's figures, and nothing in the feed was skipped.
    for run in runs:
        assert run.seqs == sorted(run.seqs) and len(run.seqs) == len(set(run.seqs)), run.store_id
        with central.ctx.db.sessions() as s:
            neighbours = stores.audience(s, central.ctx, run.store_id)
        assert len(neighbours) == 5 and run.store_id not in neighbours  # [sync] neighbours: not the whole chain
        others = {(loc, sku): q for (loc, sku), q in levels.items() if loc in neighbours}
        seen = {(d["location"], d["sku"]): d["on_hand"] for (topic, _), d in run.view.items() if topic == "stock"}
        assert {k: v for k, v in seen.items() if k[0] in STORES} == others, run.store_id
        feed = central.rows(
            select(Change.topic, Change.key, Change.data, Change.seq).where(
                Change.seq <= run.cursor,
                or_(Change.scope.is_(None), Change.scope.in_([run.store_id, *neighbours])),
                or_(Change.skip_store.is_(None), Change.skip_store != run.store_id),
                or_(Change.only_store.is_(None), Change.only_store == run.store_id),
            )
        )
        missed = [(t, k) for t, k, data, _ in feed if run.view.get((t, k)) != json.loads(data)]
        assert not missed, f"{run.store_id} never got the latest of {missed[:5]}"
        assert central.count(Change, Change.seq.is_(None)) == 0
