"""Multi-buy promotions reach the store (promotion topic version 2) and price a line per complete set alike at the
till, the kiosk and in the online shop; the kiosk and the shop say the deal in words."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import carts, catalog, shop_catalog
from pos.adapters.tables import Promotion
from pos.services import kiosk_carts, kiosk_catalog, till_sale

AQUA = "SKU-00001"  # AQUA_330, Rp 3.500


def test_beli_2_gratis_1_gives_one_free_in_every_three_at_the_till_the_kiosk_and_online(
    central, store, open_till, agents
):
    connect_store(store, central)
    catalog.save_promotion(central.ctx, name="Aqua hemat", kind="free", value=1, skus=[AQUA], set_qty=3)
    sync_until_clean(agents())
    with store.db.sessions() as s:
        row = s.scalars(select(Promotion)).one()
        assert (row.kind, row.set_qty, row.value) == ("free", 3, 1), "the set and its free items as central has them"

    sale = till_sale.add_line(store, open_till, None, barcode=AQUA_330, qty=3)
    assert sale["total"] == 7_000, "3 scanned: 1 of them free"
    sale = till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330, qty=2)
    assert sale["total"] == 14_000 and len(sale["lines"]) == 1, "5 on the line: one complete set, 2 at full price"

    online = carts.add_item(central.ctx, None, AQUA, 5)
    assert online["total"] == kiosk_carts.quote(store, [(AQUA, 5)])["total"] == 14_000
    assert kiosk_carts.quote(store, [(AQUA, 6)])["total"] == 14_000, "6: two sets, two free"

    shop = next(p for p in shop_catalog.browse(central.ctx, q=AQUA_330)["items"] if p["sku"] == AQUA)
    kiosk = kiosk_catalog.browse(store, barcode=AQUA_330)["items"][0]
    assert shop["deal"] == kiosk["deal"] == "Beli 2 Gratis 1" and shop["promo_price"] is kiosk["promo_price"] is None
    page = central.extra["app"].test_client().get("/shop/?q=Aqua+330ml").get_data(as_text=True)
    assert '<small class="promo-name deal">Beli 2 Gratis 1</small>' in page and "Rp 3.500" in page
    english = central.extra["app"].test_client().get("/shop/?q=Aqua+330ml&lang=en").get_data(as_text=True)
    assert (
        '<small class="promo-name deal">Buy 2 get 1 free</small>' in english and kiosk["deal_en"] == "Buy 2 get 1 free"
    )


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_2_untuk_rp_6000_prices_each_pair_and_the_odd_one_at_the_shelf_price(central, store, open_till, agents):
    connect_store(store, central)
    catalog.save_promotion(central.ctx, name="Berdua", kind="bundle", value=6_000, skus=[AQUA], set_qty=2)
    sync_until_clean(agents())
    sale = till_sale.add_line(store, open_till, None, barcode=AQUA_330, qty=3)
    assert sale["total"] == 9_500 == kiosk_carts.quote(store, [(AQUA, 3)])["total"]
    assert carts.add_item(central.ctx, None, AQUA, 4)["total"] == 12_000
    assert kiosk_catalog.browse(store, barcode=AQUA_330)["items"][0]["deal"] == "2 untuk Rp 6.000"
