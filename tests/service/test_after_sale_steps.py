"""The after-sale steps: declared once in pos/bootstrap.py, run in that order, fed frozen facts; the points earn
path tested with in-memory fakes of its storage ports."""

from __future__ import annotations

import dataclasses
import json
from types import MappingProxyType
from typing import Any

import pytest
from service_steps import AQUA_330, outbox, sell

from pos import bootstrap
from pos.adapters.tables import PrintJob, SaleMember
from pos.services import checkout, loyalty, receipts, till_sale
from pos.services.after_sale import CompletedSale, LineFact, TenderFact
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.services.loyalty_facts import BookPoints, earn
from pos.services.online_cart_sales import CheckOutOnlineCart
from pos.services.ports import PointsEntry
from pos.services.printing import PrintQueue
from pos.services.records import emit_event


class FakeOutbox:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any], str]] = []

    def emit(self, type_: str, payload: dict[str, Any], device_id: str) -> str:
        self.events.append((type_, payload, device_id))
        return f"event-{len(self.events)}"


class FakeLedger:
    def __init__(self) -> None:
        self.entries: list[PointsEntry] = []

    def add(self, entry: PointsEntry) -> None:
        self.entries.append(entry)


def a_sale(total: int, tenders: list[tuple[str, int]], member_id: str | None = "m-1") -> CompletedSale:
    return CompletedSale(
        id="s-1",
        number="TOKO-01-T1-000001",
        till_id="T1",
        staff_id="st-1",
        completed_at="2026-12-04T10:00:00+00:00",
        subtotal=total,
        discount=0,
        total=total,
        lines=(LineFact("l-1", "SKU-00001", "Aqua", 1, total, 0, 0, total, "PPN"),),
        tenders=tuple(TenderFact(f"t-{i}", kind, amount) for i, (kind, amount) in enumerate(tenders)),
        member_id=member_id,
        view=MappingProxyType({}),
    )


def test_a_member_sale_earns_on_what_was_not_paid_in_points_booked_and_sent_under_one_event() -> None:
    box, ledger = FakeOutbox(), FakeLedger()
    earned = earn(a_sale(23_500, [("cash", 21_500), ("points", 2_000)]), 1_000, box, ledger)
    assert earned == 21
    [(type_, body, device)] = box.events
    assert (type_, body["points"], body["basis"], body["member_id"], device) == (
        "loyalty.earned",
        21,
        21_500,
        "m-1",
        "T1",
    )
    [entry] = ledger.entries
    assert (entry.kind, entry.points, entry.event_id, entry.id) == ("earn", 21, "event-1", body["entry_id"])


@pytest.mark.parametrize(
    "sale",
    [
        a_sale(999, [("cash", 999)]),
        a_sale(50_000, [("cash", 50_000)], member_id=None),
        a_sale(5_000, [("points", 5_000)]),
    ],
    ids=["under one point", "no member", "all in points"],
)
def test_a_sale_that_earns_nothing_writes_nothing(sale: CompletedSale) -> None:
    box, ledger = FakeOutbox(), FakeLedger()
    assert earn(sale, 1_000, box, ledger) == 0
    assert box.events == [] and ledger.entries == []


def test_steps_take_their_declared_place_whatever_order_they_are_enabled_in(store: StoreContext) -> None:
    bootstrap.enable(store, "receipt")
    queue = store.after_sale.steps[0]
    bootstrap.enable(store, "points")
    bootstrap.enable(store, "online_cart")
    assert [type(s) for s in store.after_sale.steps] == [CheckOutOnlineCart, BookPoints, PrintQueue]
    assert store.after_sale.steps[2] is queue  # the print worker keeps waking the same queue


def test_a_receipt_enabled_before_points_still_prints_the_points_earned(store: StoreContext, open_till: Actor) -> None:
    bootstrap.enable(store, "receipt")
    bootstrap.enable(store, "points")
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330, qty=10)  # Rp 35.000
    with store.db.unit_of_work() as s:
        loyalty.save_member(
            s,
            {
                "id": "m-1",
                "number": "M0001",
                "name": "Budi Santoso",
                "phone": "0812",
                "balance": 0,
                "version": 1,
                "card": "CARD",
            },
            store.clock(),
        )
        s.add(SaleMember(sale_id=view["id"], member_id="m-1", via="qr", attached_at=store.clock()))
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"], None)
    done = checkout.complete(store, open_till, view["id"])
    assert done["loyalty"]["earned"] == 3 and done["print_job_id"]
    with store.db.sessions() as s:
        job = s.get(PrintJob, done["print_job_id"])
        receipt = receipts.job_receipt(s, store, job.number, json.loads(job.payload))
    assert (receipt.points_earned, receipt.points_balance) == (3, 3)  # the printed receipt shows them
    assert [e.type for e in outbox(store)][-2:] == ["sale.completed", "loyalty.earned"]


def test_a_step_cannot_change_what_the_next_step_reads(store: StoreContext, open_till: Actor) -> None:
    seen: list[CompletedSale] = []

    class Meddler:
        handles = (CompletedSale,)

        def __call__(self, session: Any, fact: CompletedSale, added: Any) -> dict[str, Any]:
            seen.append(fact)
            with pytest.raises(dataclasses.FrozenInstanceError):
                fact.total = 1  # type: ignore[misc]  # the point of the test
            with pytest.raises(TypeError):
                fact.view["total"] = 1  # type: ignore[index]  # read-only view
            return {"meddled": True}

    store.after_sale = dataclasses.replace(store.after_sale, steps=(Meddler(),))
    done = sell(store, open_till, [(AQUA_330, 2)])
    assert seen[0].total == done["total"] == 7_000 and done["meddled"] is True


def test_an_unknown_step_name_is_refused_with_the_known_ones(store: StoreContext) -> None:
    with pytest.raises(ValueError, match="unknown after-sale step voucher .*online_cart, points, receipt"):
        bootstrap.enable(store, "voucher")
    assert store.after_sale.steps == ()


def test_an_event_type_nobody_declared_is_never_written(store: StoreContext) -> None:
    with pytest.raises(KeyError, match="sale.refunded"), store.db.unit_of_work() as s:
        emit_event(s, store, "sale.refunded", {"sale_id": "x"}, "T1")
    assert outbox(store) == []
