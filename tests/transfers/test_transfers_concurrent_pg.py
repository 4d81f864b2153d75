"""Several stores transferring to each other at once, central on PostgreSQL: every store sends to every other
store in parallel pushes (each batch sent twice), then every store receives what came to it, in parallel. Every
transfer is sent once and received once; each store's ledger at central moves by exactly what it sent and got."""

from __future__ import annotations

import threading
import uuid
from collections import Counter as Tally
from typing import Any

import pytest
from sqlalchemy import func, select
from synckit import central, pg_url  # noqa: F401
from synckit_store import SKUS

from central.services import stores
from central.tables import ReconciliationItem, StockEntry, StockLevel, Transfer, TransferLine
from tests.loyalty.loyaltykit import event, push

STORES = ["TOKO-01", "TOKO-02", "TOKO-03", "TOKO-04", "TOKO-05"]
PER_PAIR = 3  # transfers from each store to each other store


def _lines(n: int) -> list[dict[str, Any]]:
    return [
        {"id": str(uuid.uuid4()), "sku": SKUS[(n + i) % 6], "qty": 1 + (n + i) % 4, "movement_id": str(uuid.uuid4())}
        for i in range(2)
    ]


def _run_all(work: dict[str, list[dict[str, Any]]], central: Any, tokens: dict[str, str], seq: Tally) -> list[str]:
    """Each store pushes its events in batches of 3 from its own thread, every batch twice; returns problems."""
    problems: list[str] = []

    def run(store_id: str) -> None:
        events = []
        for payload, type_ in work[store_id]:
            seq[store_id] += 1
            events.append(event(store_id, seq[store_id], type_, payload))
        for i in range(0, len(events), 3):
            for _ in range(2):  # a timed-out push sent again with the same ids
                results = push(central, tokens[store_id], store_id, events[i : i + 3])["results"]
                problems.extend(f"{store_id}: {r}" for r in results if r["status"] != 200)

    threads = [threading.Thread(target=run, args=(sid,)) for sid in STORES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return problems


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)  # the concurrent path: real row locks
def test_five_stores_sending_to_each_other_at_once_move_each_unit_once(central):
    tokens = {"TOKO-01": central.token}
    for sid in STORES[1:]:
        tokens[sid] = stores.add_store(central.ctx, sid, sid)
    seq: Tally = Tally()
    sends: dict[str, list[Any]] = {sid: [] for sid in STORES}
    made: list[dict[str, Any]] = []
    n = 0
    for src in STORES:
        for dst in STORES:
            for _ in range(PER_PAIR if src != dst else 0):
                n += 1
                payload = {"transfer_id": str(uuid.uuid4()), "from_store": src, "to_store": dst, "lines": _lines(n)}
                sends[src].append((payload, "transfer.sent"))
                made.append(payload)
    assert _run_all(sends, central, tokens, seq) == []
    receives: dict[str, list[Any]] = {sid: [] for sid in STORES}
    for i, p in enumerate(made):  # every fifth transfer arrives one short on its first line
        lines = [
            {**l, "qty": l["qty"] - (1 if i % 5 == 0 and j == 0 else 0), "movement_id": str(uuid.uuid4())}
            for j, l in enumerate(p["lines"])
        ]
        receives[p["to_store"]].append(({"transfer_id": p["transfer_id"], "lines": lines}, "transfer.received"))
    assert _run_all(receives, central, tokens, seq) == []

    expected: Tally = Tally()
    for i, p in enumerate(made):
        for j, l in enumerate(p["lines"]):
            expected[(p["from_store"], l["sku"])] -= l["qty"]
            expected[(p["to_store"], l["sku"])] += l["qty"] - (1 if i % 5 == 0 and j == 0 else 0)
    with central.ctx.db.sessions() as s:
        statuses = Tally(s.scalars(select(Transfer.status)))
        assert statuses == {"received": len(made)}
        assert s.scalar(select(func.count()).select_from(TransferLine)) == 2 * len(made)
        moved = Tally(
            {
                (loc, sku): int(q)
                for loc, sku, q in s.execute(
                    select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty))
                    .where(StockEntry.kind.in_(["transfer_out", "transfer_in"]))
                    .group_by(StockEntry.location, StockEntry.sku)
                )
            }
        )
        ledger = {
            (loc, sku): int(q)
            for loc, sku, q in s.execute(
                select(StockEntry.location, StockEntry.sku, func.sum(StockEntry.qty)).group_by(
                    StockEntry.location, StockEntry.sku
                )
            )
        }
        levels = {(r.location, r.sku): r.on_hand for r in s.scalars(select(StockLevel))}
        differences = s.scalar(
            select(func.count()).select_from(ReconciliationItem).where(ReconciliationItem.kind == "transfer_difference")
        )
    assert differences == 2 * len(range(0, len(made), 5))  # one task at each of the two stores
    assert +moved == +expected
    assert {k: v for k, v in levels.items() if v} == {k: v for k, v in ledger.items() if v}
