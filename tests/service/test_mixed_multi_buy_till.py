"""At the till, a mixed multi-buy ("Beli 2 Gratis 1, boleh campur") counts any of its products towards a set across the
sale's lines: the cheapest item is the free one whatever the order of the scans, and removing a line, changing a
quantity or a cashier's own discount prices the others again."""

from __future__ import annotations

import json
from itertools import permutations

from service_steps import AQUA_330, AQUA_600

from pos.adapters.tables import Promotion
from pos.services import sales, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext

MIZONE = "8990000100034"  # SKU-00003, Rp 7.000


def _mixed(store: StoreContext, kind: str = "free", value: int = 1, size: int = 3, mixed: bool = True) -> None:
    with store.db.unit_of_work() as s:
        s.add(
            Promotion(
                id="campur",
                name="Beli 2 Gratis 1 campur",
                kind=kind,
                value=value,
                set_qty=size,
                mixed=mixed,
                skus=json.dumps(["SKU-00001", "SKU-00002", "SKU-00003"]),
                active=True,
            )
        )


def _scanned(store: StoreContext, actor: Actor, *barcodes: str) -> dict:
    """A sale with each barcode scanned once, in this order."""
    view, _ = till_sale.create_sale(store, actor)
    for barcode in barcodes:
        view = till_sale.add_line(store, actor, view["id"], barcode=barcode)
    return view


def _discounts(view: dict) -> dict[int, int]:
    return {l["unit_price"]: l["line_discount"] for l in view["lines"]}


def test_three_different_products_scanned_in_any_order_give_the_cheapest_free(
    store: StoreContext, open_till: Actor
) -> None:
    _mixed(store)
    for order in permutations([AQUA_330, AQUA_600, MIZONE]):
        view = _scanned(store, open_till, *order)
        assert _discounts(view) == {3_500: 3_500, 4_500: 0, 7_000: 0} and view["total"] == 11_500, order
        _void(store, open_till, view)


def _void(store: StoreContext, actor: Actor, view: dict) -> None:
    for line in view["lines"]:
        view = sales.remove_line(store, actor, view["id"], line["id"])


def test_without_mixing_the_same_scans_give_nothing(store: StoreContext, open_till: Actor) -> None:
    _mixed(store, mixed=False)
    view = _scanned(store, open_till, AQUA_330, AQUA_600, MIZONE)
    assert view["discount"] == 0


def test_removing_a_line_or_lowering_a_quantity_prices_the_others_again(store: StoreContext, open_till: Actor) -> None:
    _mixed(store)
    view = _scanned(store, open_till, MIZONE, AQUA_600, AQUA_330)
    assert view["discount"] == 3_500
    aqua = next(l for l in view["lines"] if l["unit_price"] == 3_500)
    view = sales.remove_line(store, open_till, view["id"], aqua["id"])
    assert view["discount"] == 0 and view["total"] == 11_500, "two left: no set, nothing free"
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_600)  # 7.000, 4.500, 4.500: one free
    assert view["discount"] == 4_500
    big = next(l for l in view["lines"] if l["unit_price"] == 4_500)
    view = sales.set_quantity(store, open_till, view["id"], big["id"], 1)
    assert view["discount"] == 0


def test_a_line_the_cashier_discounted_leaves_the_sets(store: StoreContext, open_till: Actor) -> None:
    _mixed(store)
    view = _scanned(store, open_till, MIZONE, AQUA_600, AQUA_330)
    mizone = next(l for l in view["lines"] if l["unit_price"] == 7_000)
    view = sales.apply_discount(store, open_till, view["id"], "amount", 200, line_id=mizone["id"])
    assert _discounts(view) == {7_000: 200, 4_500: 0, 3_500: 0}, "two items left in the promotion: no set"


def test_a_bundle_spreads_what_its_set_saves_over_the_lines_exactly(store: StoreContext, open_till: Actor) -> None:
    _mixed(store, "bundle", 12_000, 3)  # 7.000 + 4.500 + 3.500 = 15.000 for Rp 12.000
    view = _scanned(store, open_till, AQUA_330, MIZONE, AQUA_600)
    assert _discounts(view) == {7_000: 1_400, 4_500: 900, 3_500: 700} and view["total"] == 12_000
