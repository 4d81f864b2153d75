"""What a manager types on the stock forms and reads back: whole items by the piece, weights in kg, figures in
the store's one number format in either language (QA pass on weighed goods)."""

from __future__ import annotations

import re

from test_manager_pages import AQUA_330, Browser, error_of
from test_weighed_stock_pages import BERAS, mgr  # noqa: F401 - the signed-in manager fixture

from pos.services import catalog
from pos.services.context import StoreContext

FLASH = re.compile(r'<p class="flash ok" role="status">([^<]*)<')


def flashed(mgr: Browser, path: str) -> str:
    found = FLASH.search(mgr.get(path).get_data(as_text=True))
    return found.group(1) if found else ""


def test_a_fraction_of_an_item_is_refused_and_found_goods_say_plus(mgr: Browser, store: StoreContext) -> None:
    mgr.client.set_cookie("lang", "en")
    before = catalog.stock_card(store, "SKU-00001")["on_hand"]
    resp = mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "1.5", "reason": "found"})
    assert resp.status_code == 422 and "Whole items only" in error_of(resp)
    assert catalog.stock_card(store, "SKU-00001")["on_hand"] == before  # never 15 found
    resp = mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "2", "reason": "found"})
    assert resp.status_code == 302
    assert flashed(mgr, resp.headers["Location"]).startswith("Air Mineral Aqua 330ml: +2 (Found)")
    mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "1.000", "reason": "found"})
    assert catalog.stock_card(store, "SKU-00001")["on_hand"] == before + 1_002  # thousands in groups of three
