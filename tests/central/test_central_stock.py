"""The central stock ledger: the store's movements become entries per location; below zero raises a task."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401

from central.services import push as push_service
from central.services.envelope import Event
from central.tables import ReconciliationItem, Refund, StockEntry, StockLevel


def ev(seq: int, type_: str, payload: dict) -> Event:
    return make_event(seq, payload, type_)


def on_hand(central, sku: str, location: str = STORE) -> int:
    return central.rows(select(StockLevel.on_hand).where(StockLevel.location == location, StockLevel.sku == sku))[0][0]


def ledger_sum(central, sku: str, location: str = STORE) -> int:
    return central.rows(select(func.sum(StockEntry.qty)).where(StockEntry.location == location, StockEntry.sku == sku))[
        0
    ][0]


def results(central, *events: Event) -> list[str]:
    return [r["outcome"] for r in push_service.push(central.ctx, STORE, "x", list(events))["results"]]


def test_sales_refunds_receipts_adjustments_and_counts_move_the_ledger_and_the_level_agrees(central):
    sku, start = "SKU-00003", None
    start = on_hand(central, sku)
    sale = sale_payload(STORE, 1, skus=[sku], qty=4)
    line = sale["lines"][0]
    refund = {
        "id": str(uuid.uuid4()),
        "number": "TOKO-01-T1-000002",
        "sale_id": sale["sale_id"],
        "till_id": "T1",
        "tender_type": "cash",
        "amount": 3500,
        "lines": [{"id": str(uuid.uuid4()), "sale_line_id": line["id"], "sku": sku, "qty": 1, "amount": 3500}],
    }
    move = lambda qty: {"lines": [{"movement_id": str(uuid.uuid4()), "sku": sku, "qty": qty}]}  # noqa: E731
    counted = {
        "lines": [
            {"movement_id": str(uuid.uuid4()), "sku": sku, "variance": -2},
            {"movement_id": None, "sku": "SKU-00004", "variance": 0},
        ]
    }
    assert (
        results(
            central,
            ev(1, "sale.completed", sale),
            ev(2, "refund.completed", refund),
            ev(3, "stock.received", move(24)),
            ev(4, "stock.adjusted", move(-1)),
            ev(5, "stock.counted", counted),
        )
        == ["applied"] * 5
    )
    assert on_hand(central, sku) == start - 4 + 1 + 24 - 1 - 2 == ledger_sum(central, sku)
    assert central.count(Refund) == 1


def test_selling_below_zero_is_recorded_and_raised_once_as_a_reconciliation_item(central):
    sku = "SKU-00005"
    level = on_hand(central, sku)
    events = [ev(i, "sale.completed", sale_payload(STORE, i, skus=[sku], qty=level)) for i in (1, 2, 3)]
    assert results(central, *events) == ["applied"] * 3  # the till never refuses what a shopper holds
    assert on_hand(central, sku) == -2 * level
    items = central.rows(
        select(
            ReconciliationItem.kind, ReconciliationItem.sku, ReconciliationItem.on_hand, ReconciliationItem.occurrences
        ).where(ReconciliationItem.resolved_at.is_(None), ReconciliationItem.kind != "unit_price")  # the kit's Rp 3.500
    )
    assert items == [("below_zero", sku, -2 * level, 2)]
    page = push_service.pull(central.ctx, STORE, 0, 10_000)
    tasks = [c["data"] for c in page["changes"] if c["topic"] == "reconciliation"]
    assert len(tasks) == 1 and tasks[0]["sku"] == sku and "count the shelf" in tasks[0]["message"]
    other = push_service.pull(central.ctx, "TOKO-02", 0, 10_000)
    assert not [c for c in other["changes"] if c["topic"] == "reconciliation"]  # only the store it concerns


def test_a_refund_for_a_sale_central_never_accepted_is_dead_lettered(central):
    refund = {
        "id": str(uuid.uuid4()),
        "number": "R1",
        "sale_id": str(uuid.uuid4()),
        "till_id": "T1",
        "tender_type": "cash",
        "amount": 1,
        "lines": [{"id": str(uuid.uuid4()), "sale_line_id": "x", "sku": "SKU-00001", "qty": 1, "amount": 1}],
    }
    out = push_service.push(central.ctx, STORE, "x", [ev(1, "refund.completed", refund)])["results"][0]
    assert (out["outcome"], out["code"]) == ("rejected", "unknown_sale")


def test_shifts_opened_and_closed_are_kept(central):
    from central.tables import ShiftRecord

    shift = str(uuid.uuid4())
    assert results(
        central,
        ev(1, "shift.opened", {"shift_id": shift, "till_id": "T1", "opening_float": 200_000}),
        ev(
            2,
            "shift.closed",
            {
                "shift_id": shift,
                "till_id": "T1",
                "opening_float": 200_000,
                "expected_cash": 250_000,
                "counted_cash": 249_000,
                "variance": -1000,
            },
        ),
    ) == ["applied", "applied"]
    with central.ctx.db.sessions() as s:
        row = s.get(ShiftRecord, shift)
        assert (row.state, row.variance, row.store_id) == ("closed", -1000, STORE)
