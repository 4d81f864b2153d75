"""A mixed multi-buy ("Beli 2 Gratis 1, boleh campur") reaches the store (promotion topic version 3), prices a sale's
different products together at the till, the kiosk and in the online shop alike, and a real till sale of it syncs to
central, which judges its lines together and raises nothing."""

from __future__ import annotations

import json

from promokit import promotion_tasks
from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sell, sync_until_clean  # noqa: F401

from central.services import carts, catalog, shop_catalog
from central.tables import SaleLine
from pos.adapters.tables import OutboxEvent, Promotion
from pos.services import checkout, kiosk_carts, kiosk_catalog, sales, till_sale

AQUA_600 = "8990000100027"  # SKU-00002, Rp 4.500
MIZONE = "8990000100034"  # SKU-00003, Rp 7.000
SKUS = ["SKU-00001", "SKU-00002", "SKU-00003"]


def test_a_tills_mixed_sets_price_like_the_shop_and_the_kiosk_and_sync_raising_nothing(
    central, store, open_till, agents
):
    connect_store(store, central)
    promo = catalog.save_promotion(
        central.ctx, name="Campur hemat", kind="free", value=1, skus=SKUS, set_qty=3, mixed=True
    )
    agent = agents()
    sync_until_clean(agent)
    with store.db.sessions() as s:
        assert s.scalars(select(Promotion.mixed)).one() is True, "the store keeps it mixed"

    sold = sell(store, open_till, [(MIZONE, 2), (AQUA_600, 1), (AQUA_330, 4)])
    # 7.000, 7.000, 4.500 | 3.500 x 3 | 3.500 left over: Rp 4.500 and Rp 3.500 free
    assert [(l["sku"], l["line_discount"]) for l in sold["lines"]] == [
        ("SKU-00003", 0),
        ("SKU-00002", 4_500),
        ("SKU-00001", 3_500),
    ]
    cart = None
    for sku, qty in (("SKU-00003", 2), ("SKU-00002", 1), ("SKU-00001", 4)):
        cart = carts.add_item(central.ctx, cart["id"] if cart else None, sku, qty)
    assert cart is not None
    kiosk = kiosk_carts.quote(store, [("SKU-00003", 2), ("SKU-00002", 1), ("SKU-00001", 4)])
    assert sold["total"] == cart["total"] == kiosk["total"] == 14_000 + 4_500 + 14_000 - 8_000

    # a second sale: the cheapest removed, the sets priced again, then paid
    view, _ = till_sale.create_sale(store, open_till)
    for barcode in (AQUA_330, AQUA_600, MIZONE):
        view = till_sale.add_line(store, open_till, view["id"], barcode=barcode)
    view = sales.remove_line(store, open_till, view["id"], view["lines"][0]["id"])
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_600)
    assert view["discount"] == 4_500
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"], None)

    checkout.complete(store, open_till, view["id"])
    sync_until_clean(agent)
    assert central.count(SaleLine) == 5 and promotion_tasks(central) == [], "honest mixed sets raise nothing"
    with store.db.sessions() as s:
        sent = [
            json.loads(p) for p in s.scalars(select(OutboxEvent.payload).where(OutboxEvent.type == "sale.completed"))
        ]
    named = {(l.get("promotion_id"), l["line_discount"] > 0) for p in sent for l in p["lines"]}
    assert named == {(promo["id"], True), (None, False)}, "each discounted line names the promotion; the rest none"

    kiosk_deal = kiosk_catalog.browse(store, barcode=AQUA_330)["items"][0]["deal"]
    shop = next(p for p in shop_catalog.browse(central.ctx, q=AQUA_330)["items"] if p["sku"] == "SKU-00001")
    assert kiosk_deal == shop["deal"] == "Beli 2 Gratis 1 (campur)"
