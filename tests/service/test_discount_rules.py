"""Central's promotions apply to scanned lines; a cashier's discounts cannot get round the manager limit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER

from common.errors import Forbidden
from pos.adapters.tables import Promotion
from pos.services import checkout, sale_views, sales, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext


def _promote(store: StoreContext, sku: str, kind: str, value: int, **when: object) -> None:
    with store.db.unit_of_work() as s:
        s.add(
            Promotion(
                id=f"promo-{sku}-{kind}",
                name="Hemat",
                kind=kind,
                value=value,
                skus=json.dumps([sku]),
                active=True,
                **when,
            )
        )


def test_a_scanned_item_on_promotion_gets_its_discount_and_scans_add_to_the_same_line(
    store: StoreContext, open_till: Actor
) -> None:
    _promote(store, "SKU-00001", "amount", 500)  # Rp 500 off each Aqua 330ml
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    assert [(l["qty"], l["line_discount"], l["net"]) for l in view["lines"]] == [(3, 1_500, 9_000)]
    line = view["lines"][0]
    view = sales.set_quantity(store, open_till, sale["id"], line["id"], 1)
    assert (view["lines"][0]["line_discount"], view["total"]) == (500, 3_000)


def test_a_promotion_that_has_ended_or_not_begun_gives_nothing(store: StoreContext, open_till: Actor) -> None:
    now = store.clock()
    _promote(store, "SKU-00001", "percent", 2_000, ends_at=now - timedelta(hours=1))
    _promote(store, "SKU-00002", "percent", 2_000, starts_at=now + timedelta(days=1))
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_600)
    assert view["discount"] == 0 and view["total"] == 8_000


def test_a_promotion_needs_no_manager_even_above_the_cashier_limit(store: StoreContext, open_till: Actor) -> None:
    _promote(store, "SKU-00001", "percent", 3_000)  # 30% off, set by head office
    sale, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    assert view["total"] == 4_900
    till_sale.add_tender(store, open_till, sale["id"], "cash", 5_000)
    assert checkout.complete(store, open_till, sale["id"])["change"] == 100


def test_an_amount_discount_cannot_grow_past_the_limit_by_removing_lines(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_600)
    sales.apply_discount(store, open_till, sale["id"], "amount", 800)  # 10% of Rp 8.000: allowed
    aqua_600 = next(l for l in view["lines"] if l["sku"] == "SKU-00002")
    with pytest.raises(Forbidden) as err:
        sales.remove_line(store, open_till, sale["id"], aqua_600["id"])  # Rp 800 of Rp 3.500 would be 22.9%
    assert err.value.code == "approval_required" and "22.9%" in err.value.message
    assert len(sale_views.get_sale(store, sale["id"])["lines"]) == 2  # nothing changed


def test_stacked_line_and_sale_discounts_need_a_manager_together(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    sales.apply_discount(store, open_till, sale["id"], "percent", 10, line_id=view["lines"][0]["id"])
    with pytest.raises(Forbidden):
        sales.apply_discount(store, open_till, sale["id"], "percent", 10)
    view = sales.apply_discount(store, open_till, sale["id"], "percent", 10, approval=MANAGER)
    assert view["discount"] == 700 + 630 and view["total"] == 5_670
