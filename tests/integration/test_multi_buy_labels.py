"""What a shelf label and the manager's Promosi list say of a multi-buy pulled from central (topic version 2): the deal
in words ("Beli 2 Gratis 1") beside the usual price, not a single promotion price."""

from __future__ import annotations

from service.test_promo_labels import NOW, local_midnight_in
from service.test_shelf_labels import AQUA_330
from test_manager_labels import promo_row, screens_at_night, text

from pos.services.context import StoreContext
from sync_agent.apply import apply_page


def _beli_2_gratis_1(store: StoreContext, **more: object) -> None:
    data = {
        "id": "b2g1",
        "name": "Aqua hemat",
        "kind": "free",
        "value": 0,  # what a version-1 agent reads
        "set_qty": 3,
        "set_value": 1,
        "skus": [AQUA_330],
        "starts_at": local_midnight_in(-1).isoformat(),
        "ends_at": local_midnight_in(3).isoformat(),
        "active": True,
        **more,
    }
    page = {"changes": [{"topic": "promotion", "key": "b2g1", "seq": 1, "data": data}], "cursor": 1, "epoch": "e1"}
    apply_page(store.db, {**page, "store_seq": 0}, NOW)


def test_a_shelf_label_of_a_multi_buy_says_the_deal_in_words_beside_the_usual_price(store: StoreContext) -> None:
    _beli_2_gratis_1(store)
    web = screens_at_night(store)
    sheet = web.get(f"/manager/labels/print?sku={AQUA_330}&lang=id")
    assert sheet.status_code == 200 and "Beli 2 Gratis 1" in text(sheet) and "Rp 3.500" in text(sheet)
    listed = web.get("/manager/labels?lang=id")
    assert "Aqua hemat Beli 2 Gratis 1" in promo_row(listed, "b2g1")
    promo_sheet = web.get("/manager/labels/promotion/b2g1?lang=id")
    assert promo_sheet.status_code == 200 and "Beli 2 Gratis 1" in text(promo_sheet)


def test_the_promosi_list_says_a_mixed_multi_buy_may_mix_its_products(store: StoreContext) -> None:
    _beli_2_gratis_1(store, mixed=True)  # topic version 3
    web = screens_at_night(store)
    assert "Aqua hemat Beli 2 Gratis 1 (campur)" in promo_row(web.get("/manager/labels?lang=id"), "b2g1")
    assert "(mixed)" in promo_row(web.get("/manager/labels?lang=en"), "b2g1")
