"""The till's payment key (checkout.pay): the payment and, when nothing is left to pay, the completion, in one
transaction and one request."""

from __future__ import annotations

from typing import Any

import pytest
from racekit import at_once
from service_steps import AQUA_330, AQUA_600, DiskFull, outbox, payload, sell
from sqlalchemy import select

from common.errors import Conflict, DomainError
from pos.adapters.tables import Sale, StockMovement, TenderRow
from pos.services import auth, catalog, checkout, shifts, till_sale
from pos.services.after_sale import AfterSale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def tenders(store: StoreContext, sale_id: str) -> list[tuple[str, int]]:
    with store.db.sessions() as s:
        return [
            (t.type, t.amount)
            for t in s.scalars(
                select(TenderRow).where(TenderRow.sale_id == sale_id).order_by(TenderRow.created_at, TenderRow.id)
            )
        ]


def test_cash_that_covers_the_sale_completes_it_with_the_payment(store: StoreContext, open_till: Actor) -> None:
    told: list[tuple[str, Any]] = []
    store.notify = lambda kind, data: told.append((kind, data))
    sale = sell(store, open_till, [(AQUA_330, 2), (AQUA_600, 1)], [], complete=False)
    on_hand = catalog.stock_card(store, "SKU-00001")["on_hand"]
    told.clear()

    done = checkout.pay(store, open_till, sale["id"], "cash", 20_000)

    assert (done["state"], done["number"], done["total"], done["change"]) == (
        "completed",
        "TOKO-01-T1-000001",
        11_500,
        8_500,
    )
    assert tenders(store, sale["id"]) == [("cash", 20_000)]
    assert catalog.stock_card(store, "SKU-00001")["on_hand"] == on_hand - 2
    event = outbox(store)[-1]
    assert event.type == "sale.completed" and payload(event)["tenders"][0]["amount"] == 20_000
    assert [kind for kind, _ in told] == ["sale", "sale_completed"], "the screens hear of the sale once, completed"
    assert told[-1][1]["number"] == "TOKO-01-T1-000001"


def test_a_part_payment_leaves_the_sale_open_and_the_last_one_completes_it(
    store: StoreContext, open_till: Actor
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 2)], [], complete=False)
    part = checkout.pay(store, open_till, sale["id"], "card", 5_000)
    assert (part["state"], part["number"], part["remaining"]) == ("open", None, 2_000)
    done = checkout.pay(store, open_till, sale["id"], "cash", 2_000)
    assert (done["state"], done["number"], done["paid"]) == ("completed", "TOKO-01-T1-000001", 7_000)
    assert tenders(store, sale["id"]) == [("card", 5_000), ("cash", 2_000)]


def test_when_the_completion_fails_the_payment_is_not_kept_either(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    """One transaction: a payment is never left taken on a sale whose completion failed in the same request."""

    sale = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    before = facts()
    store.after_sale = AfterSale((DiskFull(),))
    with pytest.raises(RuntimeError):
        checkout.pay(store, open_till, sale["id"], "cash", 5_000)
    assert facts() == before and tenders(store, sale["id"]) == []
    store.after_sale = AfterSale()
    assert checkout.pay(store, open_till, sale["id"], "cash", 5_000)["number"] == "TOKO-01-T1-000001"


@pytest.mark.parametrize(
    ("kind", "amount", "code"),
    [("card", 3_501, "tender_exceeds_due"), ("cash", 0, None)],
)
def test_a_payment_the_till_may_not_take_is_refused_and_nothing_is_written(
    store: StoreContext, open_till: Actor, facts: Any, kind: str, amount: int, code: str | None
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    before = facts()
    with pytest.raises(DomainError) as err:
        checkout.pay(store, open_till, sale["id"], kind, amount)
    if code:
        assert err.value.code == code
    assert facts() == before


def test_a_sale_open_on_another_till_or_already_completed_is_refused(
    store: StoreContext, open_till: Actor, facts: Any
) -> None:
    sale = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    other = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, other, 100_000)
    with pytest.raises(Conflict) as err:
        checkout.pay(store, other, sale["id"], "cash", 3_500)
    assert err.value.code == "other_till"
    checkout.pay(store, open_till, sale["id"], "cash", 3_500)
    before = facts()
    with pytest.raises(Conflict) as err:
        checkout.pay(store, open_till, sale["id"], "cash", 3_500)
    assert err.value.code == "sale_completed" and facts() == before


def test_two_payments_sent_at_once_complete_the_sale_once(store: StoreContext, open_till: Actor) -> None:
    """A double tap from two tabs of the same till (no shared idempotency key): one payment completes the sale,
    the other is refused; one tender, one receipt number, stock moved once."""
    sale = sell(store, open_till, [(AQUA_330, 2)], [], complete=False)
    taps = at_once(
        *[lambda: checkout.pay(store, open_till, sale["id"], "cash", 7_000)["number"]] * 4, expected=(Conflict,)
    )
    answers = [a.code if isinstance(a, Conflict) else a for a in taps]
    assert sorted(answers) == ["TOKO-01-T1-000001", "sale_completed", "sale_completed", "sale_completed"]
    assert tenders(store, sale["id"]) == [("cash", 7_000)]
    with store.db.sessions() as s:
        assert s.scalar(select(Sale.number).where(Sale.id == sale["id"])) == "TOKO-01-T1-000001"
        moved = s.scalars(select(StockMovement.qty).where(StockMovement.ref_id == sale["id"])).all()
    assert moved == [-2]
    assert [e.type for e in outbox(store)].count("sale.completed") == 1


def test_payment_then_completion_as_two_calls_still_works(store: StoreContext, open_till: Actor) -> None:
    """The API's split path (POST /tenders, then /complete) is kept for other clients."""
    sale = sell(store, open_till, [(AQUA_330, 1)], [], complete=False)
    paid = till_sale.add_tender(store, open_till, sale["id"], "cash", 5_000)
    assert (paid["state"], paid["remaining"]) == ("open", 0)
    assert checkout.complete(store, open_till, sale["id"])["change"] == 1_500
