"""The sale's write path (common/tx.py, Database.transaction()): begun and committed by the SQLite driver, the
after-sale steps writing through the same handle. What a till, its printer and the sync stream see."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER, DiskFull, outbox, payload, sell
from sqlalchemy import func, select, text

from common.contract.events import build_event
from common.contract.wire import canonical_json
from common.scale_labels import LabelLayout
from pos import bootstrap
from pos.adapters.tables import Counter, PrintJob, Sale, StockMovement
from pos.services import auth, checkout, printing, records, refunds, sales, shifts, till_sale
from pos.services.after_sale import AfterSale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.printing import PrintQueue, queue_of


def _print_seq(store: StoreContext) -> int | None:
    with store.db.sessions() as s:
        return s.scalar(select(Counter.value).where(Counter.name == "print_seq"))


def test_a_completed_sale_wakes_the_printer_once_committed_with_its_receipt_queued(
    store: StoreContext, open_till: Actor
) -> None:
    bootstrap.enable(store, "receipt")
    queue = queue_of(store)
    assert queue is not None and not queue.wakeup.is_set()
    done = sell(store, open_till, [(AQUA_330, 2), (AQUA_600, 1)])
    assert queue.wakeup.is_set()  # the worker prints now, not at its next poll
    with store.db.sessions() as s:
        job = s.get(PrintJob, done["print_job_id"])
    assert job is not None and (job.kind, job.number, job.state, job.seq) == ("sale", done["number"], "queued", 1)
    assert job.created_at == job.next_attempt_at and job.created_at.year >= 2026  # read back as the ORM reads times


def test_a_sale_whose_completion_fails_queues_no_receipt_and_wakes_no_printer(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    queue = PrintQueue(store)
    store.after_sale = AfterSale((queue, DiskFull()))  # fails after the receipt is queued
    sale = sell(store, open_till, [(AQUA_330, 1)], complete=False)
    before = facts()
    with pytest.raises(RuntimeError):
        checkout.complete(store, open_till, sale["id"])
    assert facts() == before and _print_seq(store) is None
    assert not queue.wakeup.is_set()
    store.after_sale = AfterSale((queue,))
    assert checkout.complete(store, open_till, sale["id"])["number"] == "TOKO-01-T1-000001"
    assert queue.wakeup.is_set() and _print_seq(store) == 1


def test_a_receipt_that_cannot_be_queued_is_undone_alone_and_the_sale_stands(
    store: StoreContext, open_till: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    bootstrap.enable(store, "receipt")
    sell(store, open_till, [(AQUA_330, 1)])
    assert _print_seq(store) == 1

    # The job's INSERT fails after its number was taken: the savepoint gives the number back, the sale commits.
    monkeypatch.setattr(printing, "_INSERT_JOB", text("INSERT INTO no_such_table (id) VALUES (:id)"))
    done = sell(store, open_till, [(AQUA_600, 1)])
    assert "print_job_id" not in done and done["receipt_url"]
    assert _print_seq(store) == 1
    with store.db.sessions() as s:
        assert s.scalar(select(Sale.state).where(Sale.number == done["number"])) == "completed"
    assert [e.type for e in outbox(store) if e.type.startswith("sale.")] == ["sale.completed", "sale.completed"]


def test_a_member_sale_books_its_points_through_the_orm_in_the_same_transaction(
    store: StoreContext, open_till: Actor
) -> None:
    """The points step makes the ORM session only for a member: the sale and its points commit together."""
    from pos.adapters.tables import SaleMember
    from pos.services import loyalty

    bootstrap.enable(store, "points", "receipt")
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=10)
    with store.db.unit_of_work() as s:
        member = {"id": "m-1", "number": "M0001", "name": "Budi", "phone": "0812", "balance": 0, "version": 1}
        loyalty.save_member(s, {**member, "card": "CARD"}, store.clock())
        s.add(SaleMember(sale_id=view["id"], member_id="m-1", via="qr", attached_at=store.clock()))
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"], None)
    done = checkout.complete(store, open_till, view["id"])
    assert done["loyalty"]["earned"] == 3 and done["print_job_id"]  # Rp 35.000 at 1 point per Rp 10.000
    opened, *events = outbox(store)
    assert opened.type == "shift.opened" and [e.type for e in events] == ["sale.completed", "loyalty.earned"]
    assert [e.store_seq for e in events] == [2, 3] and payload(events[1])["sale_id"] == view["id"]


def test_two_tills_selling_at_once_number_every_sale_and_event_without_gaps(
    store: StoreContext, open_till: Actor
) -> None:
    t2 = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, t2, 100_000)
    numbers: dict[str, list[str]] = {"T1": [], "T2": []}
    errors: list[BaseException] = []

    def till(actor: Actor) -> None:
        try:
            for _ in range(8):
                numbers[actor.till_id].append(sell(store, actor, [(AQUA_330, 1), (AQUA_600, 2)])["number"])
        except BaseException as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)

    threads = [threading.Thread(target=till, args=(a,)) for a in (open_till, t2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for till_id, got in numbers.items():
        assert got == [f"TOKO-01-{till_id}-{n:06d}" for n in range(1, 9)]
    events = outbox(store)
    assert [e.store_seq for e in events] == list(range(1, len(events) + 1))  # the shifts' events, then the sales'
    sold = [payload(e)["number"] for e in events if e.type == "sale.completed"]
    assert sorted(sold) == sorted(numbers["T1"] + numbers["T2"])
    with store.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement).where(StockMovement.kind == "sale")) == 32


def test_a_scan_of_an_unknown_sale_or_after_payment_is_refused_and_writes_nothing(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    from common.errors import Conflict, NotFound

    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330)
    till_sale.add_tender(store, open_till, view["id"], "cash", 1_000)
    before = facts()
    with pytest.raises(NotFound):
        till_sale.add_line(store, open_till, "no-such-sale", barcode=AQUA_330)
    with pytest.raises(Conflict) as refused:
        till_sale.add_line(store, open_till, view["id"], barcode=AQUA_600)
    assert refused.value.code == "tenders_taken"
    assert facts() == before


def test_every_event_a_till_writes_has_the_bytes_the_contract_model_would_give(
    store: StoreContext, open_till: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outbox checks each payload against its model once and stores it as given (records.checked_event): the
    bytes, and so the payload hash central keeps, are those the model's dump gives (build_event)."""
    seen: list[str] = []
    given = records.checked_event

    def both(type_: str, version: int, body: dict[str, Any]) -> dict[str, Any]:
        seen.append(type_)
        out = given(type_, version, body)
        assert canonical_json(out) == canonical_json(build_event(type_, version, body))
        return out

    monkeypatch.setattr(records, "checked_event", both)
    split = sell(store, open_till, [(AQUA_330, 3), (AQUA_600, 1)], [("card", 5_000), ("cash", 20_000)])
    weighed = sell(store, open_till, [(AQUA_600, 2)], [], complete=False)
    weighed = till_sale.add_line(store, open_till, weighed["id"], barcode=LabelLayout().make("20", 103, 845))
    till_sale.add_tender(store, open_till, weighed["id"], "cash", weighed["total"] + 1_000)
    sold = checkout.complete(store, open_till, weighed["id"])
    refunds.refund(store, open_till, sold["number"], [(sold["lines"][0]["id"], 1)], MANAGER)
    voided = sell(store, open_till, [(AQUA_330, 1)], complete=False)
    sales.void(store, open_till, voided["id"], MANAGER)
    assert (
        split["change"] > 0
        and sold["lines"][-1]["measure"] == "weight"
        and {"sale.completed", "refund.completed"} <= set(seen)
    )
