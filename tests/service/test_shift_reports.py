"""A shift from float to Z report, with figures worked out by hand; approvals audited; outbox gap-free."""

from __future__ import annotations

import json
from typing import Any

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER, audit_log, outbox, payload, sell

from common.errors import Conflict, DomainError, NotFound
from pos.services import checkout, refunds, sales, shifts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def test_a_shift_opens_once_with_a_float_that_is_not_negative(store: StoreContext, cashier: Actor) -> None:
    with pytest.raises(DomainError):
        shifts.open_shift(store, cashier, -1)
    opened = shifts.open_shift(store, cashier, 200_000)
    assert (opened["state"], opened["opening_float"], opened["till_id"]) == ("open", 200_000, "T1")
    with pytest.raises(Conflict):
        shifts.open_shift(store, cashier, 200_000)
    assert outbox(store)[-1].type == "shift.opened"


def a_day_at_the_till(store: StoreContext, till: Actor) -> None:
    """Three sales, a voided one, and two refunds on a shift opened with a Rp 200.000 float."""
    # S1: 2 x 3500 = 7000, paid 10000 cash -> change 3000; PPN 7000 * 11/111 = 693.69 -> 694
    s1 = sell(store, till, [(AQUA_330, 2)], [("cash", 10_000)])
    # S2: 4500 by card; PPN 445.95 -> 446
    s2 = sell(store, till, [(AQUA_600, 1)], [("card", 4_500)])
    # S3: 3 x 3500 less 100 on the line + 4500, less 1000 on the sale = 13900 (nets 9702 and 4198);
    #     paid 5000 QRIS + 10000 cash -> change 1100; PPN 13900 * 11/111 = 1377.48 -> 1377
    s3 = sell(store, till, [(AQUA_330, 3), (AQUA_600, 1)], [], complete=False)
    assert s3["lines"][0]["sku"] == "SKU-00001"
    sales.apply_discount(store, till, s3["id"], "amount", 100, line_id=s3["lines"][0]["id"])
    sales.apply_discount(store, till, s3["id"], "amount", 1_000)
    till_sale.add_tender(store, till, s3["id"], "qris", 5_000)
    till_sale.add_tender(store, till, s3["id"], "cash", 10_000)
    s3 = checkout.complete(store, till, s3["id"])
    assert (s1["change"], s3["total"], s3["change"]) == (3_000, 13_900, 1_100)
    # A sale with a 50% discount (approved) that the shopper then abandons (voided, approved).
    v = sell(store, till, [(AQUA_600, 2)], [], complete=False)
    sales.apply_discount(store, till, v["id"], "percent", 50, approval=MANAGER)
    sales.void(store, till, v["id"], MANAGER, reason="shopper left")
    # Refunds: one Aqua 330 of S3 in cash (9702 / 3 = 3234) and S2's Aqua 600 back to the card (4500).
    aqua = next(l["id"] for l in s3["lines"] if l["sku"] == "SKU-00001")
    assert refunds.refund(store, till, s3["number"], [(aqua, 1)], MANAGER)["amount"] == 3_234
    refunds.refund(store, till, s2["number"], [(s2["lines"][0]["id"], 1)], MANAGER, tender_type="card")


EXPECTED_FIGURES = {
    "sales_count": 3,
    "sales_total": 7_000 + 4_500 + 13_900,  # 25400
    "discounts": 100 + 1_000,
    "tax": 694 + 446 + 1_377,  # 2517
    "rounding": 0,
    "tenders": {"card": 4_500, "cash": 10_000 + 10_000 - 3_000 - 1_100, "qris": 5_000},
    "refunds": {"count": 2, "total": 3_234 + 4_500, "by_tender": {"card": 4_500, "cash": 3_234}},
    "voided_sales": 1,
    "opening_float": 200_000,
    # float + cash taken - change given - cash refunded
    "expected_cash": 200_000 + 20_000 - 4_100 - 3_234,  # 212666
}


def test_the_x_report_shows_the_running_figures_and_changes_nothing(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    a_day_at_the_till(store, open_till)
    before = facts()
    report = shifts.x_report(store, open_till)
    assert report["kind"] == "X"
    assert {k: report[k] for k in EXPECTED_FIGURES} == EXPECTED_FIGURES
    assert facts() == before


def test_closing_the_shift_with_counted_cash_gives_the_z_report_worked_out_by_hand(
    store: StoreContext, open_till: Actor
) -> None:
    a_day_at_the_till(store, open_till)
    z = shifts.close_shift(store, open_till, 212_000)
    assert z["kind"] == "Z"
    assert {k: z[k] for k in EXPECTED_FIGURES} == EXPECTED_FIGURES
    assert (z["counted_cash"], z["variance"]) == (212_000, -666)
    assert sum(z["tenders"].values()) == z["sales_total"]
    closed = outbox(store)[-1]
    assert closed.type == "shift.closed" and payload(closed)["variance"] == -666
    # The shift is over: no X report, no new sale until the next float is counted.
    with pytest.raises(NotFound):
        shifts.x_report(store, open_till)
    with pytest.raises(DomainError):
        till_sale.create_sale(store, open_till)


def test_every_manager_approval_of_the_day_is_in_the_audit_log(
    store: StoreContext, open_till: Actor, manager: Actor
) -> None:
    a_day_at_the_till(store, open_till)
    approved = [e for e in audit_log(store) if e.approved_by]
    assert sorted(e.action for e in approved) == ["discount", "refund", "refund", "sale_void"]
    assert {e.approved_by for e in approved} == {manager.staff_id}
    assert {e.requested_by for e in approved} == {open_till.staff_id}
    assert json.loads(next(e for e in approved if e.action == "discount").detail)["value"] == 5_000


def test_the_outbox_numbers_every_event_of_the_store_without_gaps(store: StoreContext, open_till: Actor) -> None:
    a_day_at_the_till(store, open_till)
    shifts.close_shift(store, open_till, 212_666)
    events = outbox(store)
    assert [e.type for e in events] == ["shift.opened"] + ["sale.completed"] * 3 + ["refund.completed"] * 2 + [
        "shift.closed"
    ]
    assert [e.store_seq for e in events] == list(range(1, len(events) + 1))
    assert len({e.event_id for e in events}) == len(events)


def test_a_shift_with_a_sale_still_open_cannot_close(store: StoreContext, open_till: Actor) -> None:
    sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    with pytest.raises(Conflict) as err:
        shifts.close_shift(store, open_till, 200_000)
    assert err.value.code == "sales_open"


def test_the_x_report_names_the_parked_and_open_sales_with_their_items_as_the_till_counts_them(
    store: StoreContext, open_till: Actor
) -> None:
    parked = sell(store, open_till, [(AQUA_330, 3), (AQUA_600, 1)], [], complete=False)
    sales.park(store, open_till, parked["id"])
    sell(store, open_till, [(AQUA_600, 2)], [], complete=False)
    unfinished = shifts.x_report(store, open_till)["unfinished"]
    assert [(u["state"], u["items"]) for u in unfinished] == [("parked", 4), ("open", 2)]  # items, not lines
    assert [p["items"] for p in sales.parked_sales(store)] == [4]  # F8's list says the same
    with pytest.raises(Conflict) as err:
        shifts.close_shift(store, open_till, 200_000)
    blocked = err.value.detail["sales"]
    assert isinstance(blocked, list) and [u["id"] for u in blocked] == [u["id"] for u in unfinished]


def test_an_empty_sale_left_open_is_voided_when_the_shift_closes(store: StoreContext, open_till: Actor) -> None:
    till_sale.create_sale(store, open_till)
    z = shifts.close_shift(store, open_till, 200_000)
    assert (z["sales_count"], z["expected_cash"], z["variance"]) == (0, 200_000, 0)
