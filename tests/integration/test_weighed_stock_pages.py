"""Weighed goods on the manager's stock pages: on hand and levels in kg, a count weighed in kg whose variance
posts grams and is valued at the price per kg (issue 16 point 2)."""

from __future__ import annotations

import re

import pytest
from test_manager_pages import Browser, error_of

from common.demo_data import ean13
from common.errors import DomainError
from pos.services import catalog, stock_counts
from pos.services.auth import Actor
from pos.services.context import StoreContext

BERAS = ean13(9_001)  # SKU-W0001 Beras Curah, Rp 14.000/kg, 150 kg opening stock


@pytest.fixture
def mgr(store: StoreContext) -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    return web


def test_the_stock_pages_show_a_weighed_product_in_kg(mgr: Browser) -> None:
    page = mgr.get("/manager/stock?q=Beras+Curah").get_data(as_text=True)
    assert "150,000 kg" in page
    item = mgr.get(f"/manager/stock/item/{BERAS}").get_data(as_text=True)
    assert "150,000 kg" in item


def test_a_count_weighs_a_product_in_kg_and_posts_the_grams(mgr: Browser, store: StoreContext) -> None:
    resp = mgr.post("/manager/counts", {"category": "fresh"})
    count_url = resp.headers["Location"]
    mgr.post(f"{count_url}/lines", {"code": BERAS, "qty": "149,25"})  # 750 g short
    review = mgr.get(count_url).get_data(as_text=True)
    assert "149,250 kg" in review and "-0,750 kg" in review
    assert "-Rp 10.500" in review or "Rp -10.500" in review or "-10.500" in review  # 0,75 kg x Rp 14.000
    # the net difference tile and the post confirmation name the kg apart from the items (never 750 "units")
    tile = re.search(r'id="net-variance"[^>]*>([^<]+)<', review)
    assert tile and tile.group(1).strip() == "0 · -0,750 kg"
    confirm = re.search(r'id="post-count" data-confirm="([^"]+)"', review)
    assert confirm and "Selisih 0 unit · -0,750 kg" in confirm.group(1)
    bad = mgr.post(f"{count_url}/lines", {"code": BERAS, "qty": "1,2345"})
    assert bad.status_code == 422 and error_of(bad)
    assert mgr.post(f"{count_url}/post", {}).status_code == 302
    assert catalog.stock_card(store, "SKU-W0001")["on_hand"] == 149_250


def test_a_weighed_product_is_not_counted_by_scans(store: StoreContext, manager: Actor) -> None:
    count = stock_counts.start_count(store, manager)
    with pytest.raises(DomainError) as e:
        stock_counts.record_count(store, manager, count["id"], BERAS)
    assert e.value.code == "count_by_weight"
    line = stock_counts.record_count(store, manager, count["id"], BERAS, typed="0")
    assert (line["counted"], line["measure"]) == (0, "weight")
    assert stock_counts.record_count(store, manager, count["id"], "SKU-00001", typed="1.000")["counted"] == 1_000


def test_a_weighed_product_s_low_stock_level_is_typed_in_kg(mgr: Browser, store: StoreContext) -> None:
    resp = mgr.post(f"/manager/stock/item/{BERAS}/level", {"min_qty": "160 g"})  # grams only with "g"
    assert resp.status_code == 302
    assert "0,160 kg" in mgr.get(f"/manager/stock/item/{BERAS}").get_data(as_text=True)
    assert mgr.post(f"/manager/stock/item/{BERAS}/level", {"min_qty": "160,5"}).status_code == 302
    page = mgr.get("/manager/stock/low").get_data(as_text=True)
    assert "Beras Curah" in page and "160,500 kg" in page  # 150 kg on hand is below it


def test_a_weighed_delivery_is_received_and_an_adjustment_taken_off_in_kg(mgr: Browser, store: StoreContext) -> None:
    resp = mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-0042", "code": BERAS, "qty": "25"})  # 25 kg
    assert resp.status_code == 302
    assert catalog.stock_card(store, "SKU-W0001")["on_hand"] == 175_000
    page = mgr.get("/manager/stock/receive?ref=SJ-0042").get_data(as_text=True)
    assert "+25,000 kg" in page and "175,000 kg" in page
    resp = mgr.post("/manager/stock/adjust", {"code": BERAS, "qty": "0,75", "reason": "damaged"})
    assert resp.status_code == 302
    assert catalog.stock_card(store, "SKU-W0001")["on_hand"] == 174_250
    blank = mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-0042", "code": BERAS, "qty": ""})
    assert blank.status_code == 422 and error_of(blank)  # a weighed delivery needs its weight, not "1"
