"""Refunds: a manager approves, stock comes back, an outbox event goes out, the price paid is returned."""

from __future__ import annotations

import json
from typing import Any

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER, audit_log, outbox, payload, sell
from sqlalchemy import select

from common.errors import Conflict, DomainError, Forbidden, NotFound
from pos.adapters.tables import Shift
from pos.services import catalog, checkout, refunds, sales, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def discounted_sale(store: StoreContext, actor: Actor) -> dict[str, Any]:
    """3 x Aqua 330 with Rp 100 off the line, 1 x Aqua 600, and Rp 1.000 off the whole sale.

    The sale discount spreads over 10400 and 4500 of 14900: 697.99 and 302.01, so 698 and 302;
    the Aqua 330 line cost 10400 - 698 = 9702 and the Aqua 600 line 4198; total 13900.
    """
    view = sell(store, actor, [(AQUA_330, 3), (AQUA_600, 1)], [], complete=False)
    aqua = next(l for l in view["lines"] if l["sku"] == "SKU-00001")
    sales.apply_discount(store, actor, view["id"], "amount", 100, line_id=aqua["id"])
    view = sales.apply_discount(store, actor, view["id"], "amount", 1_000)
    assert [(l["sku"], l["net"]) for l in view["lines"]] == [("SKU-00001", 9_702), ("SKU-00002", 4_198)]
    till_sale.add_tender(store, actor, view["id"], "cash", 13_900)
    return checkout.complete(store, actor, view["id"])


def line_id(sale: dict[str, Any], sku: str) -> str:
    return next(l["id"] for l in sale["lines"] if l["sku"] == sku)


def test_a_refunded_discounted_item_returns_the_price_paid_and_partial_refunds_add_up_to_the_line(
    store: StoreContext, open_till: Actor
) -> None:
    sale = discounted_sale(store, open_till)
    aqua = line_id(sale, "SKU-00001")
    first = refunds.refund(store, open_till, sale["number"], [(aqua, 1)], MANAGER)
    rest = refunds.refund(store, open_till, sale["number"], [(aqua, 2)], MANAGER)
    assert first["amount"] == 3_234  # 9702 / 3, not the Rp 3.500 shelf price
    assert rest["amount"] == 6_468
    assert first["amount"] + rest["amount"] == 9_702


def test_a_refund_puts_stock_back_and_sends_a_refund_completed_event(store: StoreContext, open_till: Actor) -> None:
    sale = sell(store, open_till, [(AQUA_330, 2), (AQUA_600, 1)])
    stock_before = catalog.stock_card(store, "SKU-00001")["on_hand"]
    done = refunds.refund(store, open_till, sale["number"], [(line_id(sale, "SKU-00001"), 2)], MANAGER, reason="bocor")
    assert done["amount"] == 7_000 and done["sale_number"] == sale["number"]
    card = catalog.stock_card(store, "SKU-00001")
    assert card["on_hand"] == stock_before + 2
    assert (card["movements"][0]["kind"], card["movements"][0]["qty"], card["movements"][0]["ref_id"]) == (
        "return",
        2,
        done["id"],
    )
    event = outbox(store)[-1]
    assert event.type == "refund.completed"
    body = payload(event)
    assert (body["number"], body["sale_number"], body["amount"]) == (done["number"], sale["number"], 7_000)
    assert [(l["sku"], l["qty"], l["amount"]) for l in body["lines"]] == [("SKU-00001", 2, 7_000)]
    # Version 2: who gave the money back, who approved it, and on which shift (central keeps them; a restore uses them).
    with store.db.sessions() as s:
        shift_id = s.scalar(select(Shift.id).where(Shift.till_id == open_till.till_id, Shift.state == "open"))
    assert event.schema_version == 2 and body["shift_id"] == shift_id
    assert body["staff_id"] == open_till.staff_id and body["approved_by"]


def test_a_refund_needs_a_manager_and_the_approval_is_in_the_audit_log(
    store: StoreContext, open_till: Actor, manager: Actor, facts: Any
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)])
    before = facts()
    for approval in (None, {"staff_code": "1001", "pin": "1234"}):
        with pytest.raises(Forbidden):
            refunds.refund(store, open_till, sale["number"], [(line_id(sale, "SKU-00001"), 1)], approval)
    assert facts() == before
    done = refunds.refund(store, open_till, sale["number"], [(line_id(sale, "SKU-00001"), 1)], MANAGER)
    entry = audit_log(store, "refund")[-1]
    assert (entry.approved_by, entry.requested_by, entry.ref_id) == (manager.staff_id, open_till.staff_id, done["id"])
    assert json.loads(entry.detail)["amount"] == "Rp 3.500"  # as the manager reads it in the audit log


def test_nothing_can_be_refunded_beyond_what_was_sold(store: StoreContext, open_till: Actor, facts: Any) -> None:
    sale = sell(store, open_till, [(AQUA_330, 2)])
    aqua = line_id(sale, "SKU-00001")
    refunds.refund(store, open_till, sale["number"], [(aqua, 1)], MANAGER)
    before = facts()
    with pytest.raises(DomainError) as err:
        refunds.refund(store, open_till, sale["number"], [(aqua, 2)], MANAGER)
    assert err.value.code == "refund_exceeds_sold"
    assert facts() == before


def test_only_a_completed_sale_can_be_refunded(store: StoreContext, open_till: Actor) -> None:
    with pytest.raises(NotFound):
        refunds.refund(store, open_till, "TOKO-01-T1-999999", [("x", 1)], MANAGER)
    sale = sell(store, open_till, [(AQUA_330, 1)], complete=False)
    sales.void(store, open_till, sale["id"], MANAGER)
    with store.db.sessions() as s:
        from pos.adapters.tables import Sale

        s.get(Sale, sale["id"]).number = "VOID-1"  # type: ignore[union-attr]
        s.commit()
    with pytest.raises(Conflict):
        refunds.refund(store, open_till, "VOID-1", [(sale["lines"][0]["id"], 1)], MANAGER)


def test_a_refund_takes_the_next_number_of_the_till_it_is_made_on(store: StoreContext, open_till: Actor) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)])
    done = refunds.refund(store, open_till, sale["number"], [(line_id(sale, "SKU-00001"), 1)], MANAGER)
    assert (sale["number"], done["number"]) == ("TOKO-01-T1-000001", "TOKO-01-T1-000002")
    assert sell(store, open_till, [(AQUA_600, 1)])["number"] == "TOKO-01-T1-000003"


def test_a_cash_refund_is_rounded_as_cash_sales_are_and_a_card_refund_is_not(
    store: StoreContext, open_till: Actor
) -> None:
    from pos.domain.receipt import layout
    from pos.services import receipts, shifts

    store.config.currency.cash_rounding = 100  # the drawer has no coins below Rp 100
    sale = discounted_sale(store, open_till)
    cash = refunds.refund(store, open_till, sale["number"], [(line_id(sale, "SKU-00002"), 1)], MANAGER)
    assert (cash["amount"], cash["rounding"]) == (4_200, 2), "Rp 4.198 owed: Rp 4.200 from the drawer"
    card = refunds.refund(
        store, open_till, sale["number"], [(line_id(sale, "SKU-00001"), 1)], MANAGER, tender_type="card"
    )
    assert (card["amount"], card["rounding"]) == (3_234, 0), "a card refund is exact"

    printed = receipts.get_receipt(store, cash["number"])  # as stored, for a reprint
    assert (printed.rounding, printed.total) == (2, 4_200)
    assert any("Pembulatan" in line.text for line in layout(printed, 42, "id"))
    assert shifts.x_report(store, open_till)["refunds"]["by_tender"] == {"cash": 4_200, "card": 3_234}
    assert payload(outbox(store)[-2])["amount"] == 4_200, "central records what left the drawer"
