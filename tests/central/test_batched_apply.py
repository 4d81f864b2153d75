"""A push batch applied as one run with multi-row statements: the same outcome as event by event, in a few
statements whatever the batch's size; an idle pull answered from one read."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401

from central.services import push as push_service
from central.tables import AppliedEvent, ReconciliationItem, Sale, SaleLine, StockEntry, StockLevel, Store, Tender

SKU = "SKU-00007"


def on_hand(central, sku: str = SKU) -> int:
    return central.rows(select(StockLevel.on_hand).where(StockLevel.location == STORE, StockLevel.sku == sku))[0][0]


def receipt(qty: int) -> dict:
    return {"lines": [{"movement_id": str(uuid.uuid4()), "sku": SKU, "qty": qty}]}


@contextmanager
def statements(central) -> Iterator[list[str]]:
    """The SQL statements the central database runs meanwhile (executemany counts once)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(statement)

    engine = central.ctx.db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_sales_going_below_zero_between_deliveries_in_one_batch_raise_the_task_as_one_by_one_would(central):
    level = on_hand(central)
    events = [
        make_event(1, sale_payload(STORE, 1, skus=[SKU], qty=level + 2)),  # below zero: a task
        make_event(2, receipt(10), "stock.received"),  # back above zero
        make_event(3, sale_payload(STORE, 3, skus=[SKU], qty=20)),  # below zero again: the same task
        make_event(4, sale_payload(STORE, 4, skus=["SKU-00008"])),
        make_event(5, sale_payload(STORE, 5, skus=[SKU, "SKU-00008"])),  # and again
    ]
    out = push_service.push(central.ctx, STORE, "T1", events)["results"]
    assert [r["outcome"] for r in out] == ["applied"] * 5
    assert on_hand(central) == level - (level + 2) + 10 - 20 - 1 == -13
    ledger = central.rows(select(func.sum(StockEntry.qty)).where(StockEntry.location == STORE, StockEntry.sku == SKU))
    assert ledger[0][0] == -13
    items = central.rows(
        select(ReconciliationItem.sku, ReconciliationItem.on_hand, ReconciliationItem.occurrences).where(
            ReconciliationItem.resolved_at.is_(None),
            ReconciliationItem.kind == "below_zero",  # the kit's Rp 3.500 too
        )
    )
    assert items == [(SKU, -13, 3)]
    tasks = [c for c in push_service.pull(central.ctx, STORE, 0, 10_000)["changes"] if c["topic"] == "reconciliation"]
    assert [t["data"]["detail"]["occurrences"] for t in tasks] == [3]


def test_a_refused_sale_in_the_middle_of_a_batch_is_dead_lettered_alone(central):
    bad = sale_payload(STORE, 2)
    bad["total"] += 1
    events = [make_event(1), make_event(2, bad), make_event(3), make_event(4)]
    out = push_service.push(central.ctx, STORE, "T1", events)["results"]
    assert [(r["outcome"], r["code"]) for r in out] == [
        ("applied", None),
        ("rejected", "totals_do_not_add_up"),
        ("applied", None),
        ("applied", None),
    ]
    assert central.count(Sale) == 3 and central.count(AppliedEvent) == 4


def test_a_clean_batch_is_written_with_the_same_few_statements_whether_it_holds_5_sales_or_50(central):
    with statements(central) as small:
        push_service.push(central.ctx, STORE, "T1", [make_event(i) for i in range(1, 6)])
    with statements(central) as large:
        push_service.push(central.ctx, STORE, "T1", [make_event(i) for i in range(6, 56)])
    writes = lambda seen: [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]  # noqa: E731
    assert len(writes(large)) == len(writes(small))
    assert len(writes(large)) <= 12  # sales, lines, tenders, entries, levels, applied, seq, publish, feed, numbering
    assert central.count(Sale) == 55 and central.count(SaleLine) == 110 and central.count(Tender) == 55
    assert central.rows(select(Store.last_seq).where(Store.id == STORE))[0][0] == 55


def test_a_sale_and_the_refund_of_it_in_one_batch_are_both_applied(central):
    sale = sale_payload(STORE, 1, skus=[SKU], qty=3)
    line = sale["lines"][0]
    refund = {
        "id": str(uuid.uuid4()),
        "number": f"{STORE}-T1-000002",
        "sale_id": sale["sale_id"],
        "till_id": "T1",
        "tender_type": "cash",
        "amount": 3500,
        "lines": [{"id": str(uuid.uuid4()), "sale_line_id": line["id"], "sku": SKU, "qty": 1, "amount": 3500}],
    }
    level = on_hand(central)
    events = [make_event(1, sale), make_event(2, refund, "refund.completed"), make_event(3)]
    out = push_service.push(central.ctx, STORE, "T1", events)["results"]
    assert [r["outcome"] for r in out] == ["applied"] * 3
    assert on_hand(central) == level - 3 + 1


def test_an_idle_pull_reads_once_and_answers_what_a_full_page_at_the_head_would(central):
    push_service.push(central.ctx, STORE, "T1", [make_event(1)])
    first = push_service.pull(central.ctx, STORE, 0, 10_000)
    while first["more"]:
        first = push_service.pull(central.ctx, STORE, first["cursor"], 10_000)
    with statements(central) as seen:
        idle = push_service.pull(central.ctx, STORE, first["cursor"], 10_000)
    assert idle == {
        "epoch": first["epoch"],
        "cursor": first["head"],
        "head": first["head"],
        "more": False,
        "changes": [],
        "store_seq": 1,
    }
    assert not [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len([s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]) <= 2  # the probe (+ ping)
