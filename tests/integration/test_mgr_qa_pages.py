"""What a store manager met on a working day's pass over the manager screens, and now reads as a manager would."""

from __future__ import annotations

import re

import pytest
from test_manager_pages import Browser

from common.demo_data import ean13
from pos.services import catalog
from pos.services.context import StoreContext

APEL = ean13(9_003)  # SKU-W0003 Apel Fuji, weighed, 30 kg opening stock
ZERO_KG = re.compile(r"(?<![\d.,])0,000 kg")  # the scale's zero, not the end of "30,000 kg"


@pytest.fixture
def mgr(store: StoreContext) -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    return web


def cells_of(page: str, sku: str) -> list[str]:
    """The text of each cell in the table row of `sku`."""
    row = page[page.index(f">{sku}</a>") :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_weighed_product_with_none_left_reads_0_kg_not_0_000_kg(mgr: Browser, store: StoreContext) -> None:
    done = mgr.post("/manager/stock/adjust", {"code": APEL, "qty": "30", "reason": "damaged"})
    assert done.status_code == 302 and catalog.stock_card(store, "SKU-W0003")["on_hand"] == 0
    flash = mgr.get("/manager/stock/adjust").get_data(as_text=True)
    assert "30,000 kg → 0 kg" in flash and not ZERO_KG.search(flash)
    stock = mgr.get("/manager/stock?q=Apel+Fuji").get_data(as_text=True)
    assert "0 kg" in cells_of(stock, "SKU-W0003") and not ZERO_KG.search(stock)
    item = mgr.get("/manager/stock/item/SKU-W0003").get_data(as_text=True)
    assert "<b>0 kg</b>" in item and not ZERO_KG.search(item)
    low = mgr.get("/manager/stock/low").get_data(as_text=True)
    assert not ZERO_KG.search(low)
