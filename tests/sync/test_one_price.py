"""One price everywhere: a product on promotion costs the same at the kiosk, at the till and in the online shop."""

from __future__ import annotations

import pytest
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import carts, catalog, shop_catalog
from pos.services import kiosk_cart_sales, kiosk_carts, kiosk_catalog, till_sale

AQUA = "SKU-00001"  # AQUA_330, Rp 3.500


def test_a_promoted_product_has_one_price_at_the_kiosk_the_till_and_the_online_shop(central, store, open_till, agents):
    connect_store(store, central)
    catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=1500, skus=[AQUA])  # 15% off
    sync_until_clean(agents())

    # The shelf: the online shop's listing and the kiosk's product card show the same promotion price.
    shop = next(p for p in shop_catalog.browse(central.ctx, q=AQUA_330)["items"] if p["sku"] == AQUA)
    kiosk = kiosk_catalog.browse(store, barcode=AQUA_330)["items"][0]
    assert shop["promo_price"] == kiosk["promo_price"] == 2_975  # Rp 3.500 less 15%
    assert shop["promo"] == kiosk["promo"] == "Hemat Aqua" and kiosk["price"] == 3_500

    # Three bottles: the online cart, the kiosk's quote, a ticket taken at a till and a scan at the till agree.
    online = carts.add_item(central.ctx, None, AQUA, 3)
    quoted = kiosk_carts.quote(store, [(AQUA, 3)])
    ticket = kiosk_carts.send_to_till(store, [(AQUA, 3)])
    taken = kiosk_cart_sales.take(store, open_till, ticket["code"])["sale"]
    assert online["total"] == quoted["total"] == ticket["total"] == taken["total"] == 8_925
    scanned = till_sale.add_line(store, open_till, taken["id"], barcode=AQUA_330, qty=3)  # three more, scanned
    assert scanned["total"] == 2 * 8_925 and len(scanned["lines"]) == 1
    assert quoted["lines"][0]["promo"] == "Hemat Aqua"


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_without_a_promotion_the_kiosk_shows_the_shelf_price_only(central, store, open_till, agents):
    connect_store(store, central)
    sync_until_clean(agents())
    kiosk = kiosk_catalog.browse(store, barcode=AQUA_330)["items"][0]
    assert kiosk["price"] == 3_500 and kiosk["promo_price"] is None and kiosk["promo"] is None
    assert kiosk_carts.quote(store, [(AQUA, 2)])["total"] == 7_000
