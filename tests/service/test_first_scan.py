"""A customer's first item starts the sale (POST /api/v1/sales/lines): one request and one transaction instead of
"start a sale", then "add the item". The till's rules hold as when the sale is named: one open sale per till, no
sale without a shift, no line once a payment is taken, nothing written when the item is refused."""

from __future__ import annotations

import pytest
from racekit import at_once
from service_steps import AQUA_330, AQUA_600
from sqlalchemy import func, select

from common.errors import Conflict, DomainError, NotFound
from pos.adapters.tables import Sale, SaleLine
from pos.services import checkout, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def _open_sales(store: StoreContext) -> list[tuple[str, int]]:
    """(sale id, lines) of every open sale in the store."""
    with store.db.sessions() as s:
        lines = select(func.count(SaleLine.id)).where(SaleLine.sale_id == Sale.id).scalar_subquery()
        return [(r[0], r[1]) for r in s.execute(select(Sale.id, lines).where(Sale.state == "open"))]


def test_the_first_item_starts_the_sale_and_the_next_first_scan_adds_to_it(
    store: StoreContext, open_till: Actor
) -> None:
    view = till_sale.add_line(store, open_till, None, barcode=AQUA_330)
    assert view["state"] == "open" and [(l["sku"], l["qty"]) for l in view["lines"]] == [("SKU-00001", 1)]
    again = till_sale.add_line(store, open_till, None, barcode=AQUA_600, qty=2)  # a till that lost track of its sale
    assert again["id"] == view["id"] and [l["qty"] for l in again["lines"]] == [1, 2]
    assert _open_sales(store) == [(view["id"], 2)]
    paid = till_sale.add_tender(store, open_till, view["id"], "cash", again["due"])
    done = checkout.complete(store, open_till, paid["id"])
    assert done["total"] == 3_500 + 2 * 4_500 and done["number"].endswith("-000001")
    assert till_sale.add_line(store, open_till, None, barcode=AQUA_330)["id"] != view["id"]  # the next customer's


def test_an_empty_sale_started_by_the_till_takes_the_first_item(store: StoreContext, open_till: Actor) -> None:
    started, _ = till_sale.create_sale(store, open_till)  # the till opens one as the cashier signs in
    assert till_sale.add_line(store, open_till, None, barcode=AQUA_330)["id"] == started["id"]


def test_a_refused_first_item_starts_no_sale(store: StoreContext, open_till: Actor, cashier: Actor) -> None:
    with pytest.raises(NotFound):
        till_sale.add_line(store, open_till, None, barcode="8990000999999")  # no such product
    with pytest.raises(DomainError) as bad_qty:
        till_sale.add_line(store, open_till, None, barcode=AQUA_330, qty=0)
    assert bad_qty.value.code == "bad_quantity" and _open_sales(store) == []


def test_no_shift_no_sale(store: StoreContext, cashier: Actor) -> None:
    with pytest.raises(DomainError) as refused:
        till_sale.add_line(store, cashier, None, barcode=AQUA_330)
    assert refused.value.code == "no_open_shift" and _open_sales(store) == []


def test_once_a_payment_is_taken_a_first_scan_is_refused_and_adds_nothing(
    store: StoreContext, open_till: Actor
) -> None:
    view = till_sale.add_line(store, open_till, None, barcode=AQUA_330)
    till_sale.add_tender(store, open_till, view["id"], "cash", 1_000)
    with pytest.raises(Conflict) as refused:
        till_sale.add_line(store, open_till, None, barcode=AQUA_600)
    assert refused.value.code == "tenders_taken" and _open_sales(store) == [(view["id"], 1)]


def test_two_first_scans_at_once_on_one_till_make_one_sale_with_both_items(
    store: StoreContext, open_till: Actor
) -> None:
    """A double-clicked scan or two tabs of one till: the write lock orders them, the second finds the first's
    sale (a till has one open sale), and no item is lost."""
    seen = at_once(
        *[
            lambda code=code: till_sale.add_line(store, open_till, None, barcode=code)["id"]
            for code in (AQUA_330, AQUA_600, AQUA_330, AQUA_600)
        ]
    )
    assert len(set(seen)) == 1 and isinstance(seen[0], str)
    (only,) = _open_sales(store)
    assert only == (seen[0], 2)
    with store.db.sessions() as s:
        qty = dict(s.execute(select(SaleLine.sku, SaleLine.qty).where(SaleLine.sale_id == seen[0])).all())
    assert qty == {"SKU-00001": 2, "SKU-00002": 2}
