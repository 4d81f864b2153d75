"""Completing a sale: one transaction holds the sale, its lines, tenders, stock and outbox event."""

from __future__ import annotations

from typing import Any

import pytest
from service_steps import AQUA_330, AQUA_600, DiskFull, outbox, payload, sell
from sqlalchemy import select

from common.errors import Conflict, DomainError
from pos.adapters.tables import Sale, SaleLine, StockMovement, TenderRow
from pos.services import auth, catalog, checkout, sales, shifts, till_sale
from pos.services.after_sale import AfterSale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def on_hand(store: StoreContext, sku: str) -> int:
    return catalog.stock_card(store, sku)["on_hand"]


def test_a_completed_sale_records_its_lines_tenders_stock_and_outbox_event_together(
    store: StoreContext, open_till: Actor
) -> None:
    before = on_hand(store, "SKU-00001"), on_hand(store, "SKU-00002")
    done = sell(store, open_till, [(AQUA_330, 2), (AQUA_600, 1)], [("cash", 20_000)])

    assert done["state"] == "completed" and done["number"] == "TOKO-01-T1-000001"
    assert (done["total"], done["tax"], done["paid"], done["change"]) == (11_500, 1_140, 20_000, 8_500)
    with store.db.sessions() as s:
        sale = s.get(Sale, done["id"])
        assert sale is not None and (sale.state, sale.number, sale.total, sale.change) == (
            "completed",
            "TOKO-01-T1-000001",
            11_500,
            8_500,
        )
        lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id)).all()
        assert sorted((l.sku, l.qty, l.net) for l in lines) == [("SKU-00001", 2, 7_000), ("SKU-00002", 1, 4_500)]
        assert [(t.type, t.amount) for t in s.scalars(select(TenderRow).where(TenderRow.sale_id == sale.id))] == [
            ("cash", 20_000)
        ]
        moves = s.scalars(select(StockMovement).where(StockMovement.ref_id == sale.id)).all()
        assert sorted((m.sku, m.qty, m.kind) for m in moves) == [("SKU-00001", -2, "sale"), ("SKU-00002", -1, "sale")]
    assert (on_hand(store, "SKU-00001"), on_hand(store, "SKU-00002")) == (before[0] - 2, before[1] - 1)

    event = outbox(store)[-1]
    body = payload(event)
    assert (event.type, event.store_id, event.device_id) == ("sale.completed", "TOKO-01", "T1")
    assert body["number"] == done["number"] and body["total"] == 11_500 and body["change"] == 8_500
    assert [(l["sku"], l["qty"], l["net"]) for l in body["lines"]] == [("SKU-00001", 2, 7_000), ("SKU-00002", 1, 4_500)]
    assert [(t["type"], t["amount"]) for t in body["tenders"]] == [("cash", 20_000)]


def test_if_anything_fails_inside_completion_nothing_of_the_sale_is_kept(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)], complete=False)

    store.after_sale = AfterSale((DiskFull(),))
    before = facts()
    with pytest.raises(RuntimeError):
        checkout.complete(store, open_till, sale["id"])
    assert facts() == before
    store.after_sale = AfterSale()
    assert checkout.complete(store, open_till, sale["id"])["number"] == "TOKO-01-T1-000001"


def test_receipt_numbers_run_without_gaps_and_each_till_has_its_own_sequence(
    store: StoreContext, open_till: Actor
) -> None:
    t2 = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, t2, 100_000)
    numbers = [
        sell(store, open_till, [(AQUA_330, 1)])["number"],
        sell(store, open_till, [(AQUA_600, 1)])["number"],
        sell(store, t2, [(AQUA_330, 1)])["number"],
        sell(store, open_till, [(AQUA_330, 3)])["number"],
        sell(store, t2, [(AQUA_600, 2)])["number"],
    ]
    assert numbers == [
        "TOKO-01-T1-000001",
        "TOKO-01-T1-000002",
        "TOKO-01-T2-000001",
        "TOKO-01-T1-000003",
        "TOKO-01-T2-000002",
    ]


def test_a_failed_completion_does_not_use_up_a_receipt_number(store: StoreContext, open_till: Actor) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)], [("cash", 1_000)], complete=False)
    with pytest.raises(DomainError) as err:
        checkout.complete(store, open_till, sale["id"])
    assert err.value.code == "underpaid" and err.value.detail["remaining"] == 2_500
    till_sale.add_tender(store, open_till, sale["id"], "cash", 2_500)
    assert checkout.complete(store, open_till, sale["id"])["number"] == "TOKO-01-T1-000001"


def test_a_sale_cannot_be_completed_twice(store: StoreContext, open_till: Actor, facts: Any) -> None:
    done = sell(store, open_till, [(AQUA_330, 1)])
    before = facts()
    with pytest.raises(Conflict) as err:
        checkout.complete(store, open_till, done["id"])
    assert err.value.code == "already_completed" and done["number"] in err.value.message
    assert facts() == before


def test_an_empty_sale_cannot_be_completed(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    with pytest.raises(DomainError) as err:
        checkout.complete(store, open_till, sale["id"])
    assert err.value.code == "empty_sale"


def test_a_split_payment_over_card_qris_ewallet_and_cash_gives_change_only_from_cash(
    store: StoreContext, open_till: Actor
) -> None:
    done = sell(
        store,
        open_till,
        [(AQUA_330, 2), (AQUA_600, 2)],
        [("card", 5_000), ("qris", 4_000), ("ewallet", 3_000), ("cash", 5_000)],
    )
    assert (done["total"], done["paid"], done["change"]) == (16_000, 17_000, 1_000)
    assert [t["type"] for t in done["tenders"]] == ["card", "qris", "ewallet", "cash"]


def test_a_card_payment_over_what_is_due_is_refused(store: StoreContext, open_till: Actor) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)], [("cash", 1_000)], complete=False)
    with pytest.raises(DomainError) as err:
        till_sale.add_tender(store, open_till, sale["id"], "card", 2_501)
    assert err.value.code == "tender_exceeds_due"


def test_with_cash_rounding_to_100_the_rounding_is_its_own_line_on_the_sale(
    store: StoreContext, open_till: Actor
) -> None:
    store.config.currency.cash_rounding = 100
    up = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    sales.apply_discount(store, open_till, up["id"], "percent", 3)  # 3500 - 105 = 3395
    till_sale.add_tender(store, open_till, up["id"], "cash", 5_000)
    up = checkout.complete(store, open_till, up["id"])
    assert (up["total"], up["rounding"], up["due"], up["paid"], up["change"]) == (3_395, 5, 3_400, 5_000, 1_600)

    down = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    sales.apply_discount(store, open_till, down["id"], "amount", 155)  # 3500 - 155 = 3345
    view = till_sale.add_tender(store, open_till, down["id"], "cash", 3_300)
    assert (view["rounding"], view["due"], view["remaining"]) == (-45, 3_300, 0)
    down = checkout.complete(store, open_till, down["id"])
    assert (down["total"], down["rounding"], down["change"]) == (3_345, -45, 0)
    assert payload(outbox(store)[-1])["rounding"] == -45
