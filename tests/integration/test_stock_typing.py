"""What a manager types on the stock forms and reads back: whole items by the piece, weights in kg, figures in
the store's one number format in either language (QA pass on weighed goods)."""

from __future__ import annotations

import re

import pytest
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


def test_a_bare_number_counted_on_a_weighed_shelf_is_kg(mgr: Browser, store: StoreContext) -> None:
    resp = mgr.post("/manager/counts", {"category": "fresh"})
    count_url = resp.headers["Location"]
    assert mgr.post(f"{count_url}/lines", {"code": BERAS, "qty": "200"}).status_code == 302  # 200 kg on the shelf
    review = mgr.get(count_url).get_data(as_text=True)
    assert "200,000 kg" in review and "+50,000 kg" in review and "0,200 kg" not in review
    mgr.post(f"{count_url}/lines", {"code": BERAS, "qty": "125 g"})
    assert "0,125 kg" in mgr.get(count_url).get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "said"),
    [("id", "angka saja = kg (200 = 200 kg"), ("en", "a bare number is kg (200 = 200 kg")],
)
def test_the_stock_forms_say_a_bare_number_is_kg(mgr: Browser, lang: str, said: str) -> None:
    for path in ("/manager/stock/receive?ref=SJ-1", "/manager/stock/adjust", f"/manager/stock/item/{BERAS}"):
        assert said in mgr.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").get_data(as_text=True), path
    bad = mgr.post(f"/manager/stock/receive?lang={lang}", {"supplier_ref": "SJ-1", "code": BERAS, "qty": "2 kilo"})
    assert bad.status_code == 422 and ("125 g" in error_of(bad))


def test_english_pages_show_kg_in_the_store_s_number_format(mgr: Browser) -> None:
    page = mgr.get(f"/manager/stock/item/{BERAS}?lang=en").get_data(as_text=True)
    assert "On hand" in page and "150,000 kg" in page and "150.000 kg" not in page  # as the tags: decimal ","
    stock = mgr.get("/manager/stock?lang=en").get_data(as_text=True)
    assert "150,000 kg" in stock and "Rp 14.000" in stock


def test_the_delivery_received_so_far_lists_weights_in_kg(mgr: Browser) -> None:
    for typed in ("12,5", "125 g", "3"):
        mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-0077", "code": BERAS, "qty": typed})
    mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-0077", "code": AQUA_330, "qty": "1.200"})
    page = mgr.get("/manager/stock/receive?ref=SJ-0077").get_data(as_text=True)
    table = page[page.index('id="tbl-received"') :]
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', table[: table.index("</table>")])
    assert cells == ["1.200", "3,000 kg", "0,125 kg", "12,500 kg"], cells  # newest first; never "12.500" or "125"
