"""The till shows who else has an item (stock at other stores, asked of the central store on demand): by itself
when a scanned item is out of stock here, and on F1 for the selected line; with central unreachable it says so
in the till's language and shows this store's figure only. Scanning carries on beside the panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_manager_browser import store_beside
from test_online_cart_browser import central_server, central_template, connected_store  # noqa: F401 - fixtures
from test_till_browser import AQUA_330, POCARI, Till

from pos.services import auth, catalog, stock_admin


def out_of_stock_here(tmp_path: Path, barcode: str) -> str:
    """Write the item's whole stock off as lost at this store (as a manager would); returns its SKU."""
    ctx = store_beside(tmp_path)
    manager = auth.sign_in(ctx, "9001", "4321", "T1")[1]
    sku = catalog.lookup(ctx, barcode=barcode)[0]["sku"]
    have = catalog.stock_card(ctx, sku)["on_hand"]
    if have > 0:
        stock_admin.adjust(ctx, manager, sku, have, "lost")
    assert catalog.stock_card(ctx, sku)["on_hand"] == 0
    ctx.db.dispose()
    return str(sku)


def others(server: Any, token: str, sku: str) -> list[tuple[str, int]]:
    answer = server.api("GET", f"/stock/{sku}/elsewhere", token).json()
    assert answer["online"], answer
    return [(x["name"], x["on_hand"]) for x in answer["locations"]]


def test_an_item_out_of_stock_here_shows_who_else_has_it_and_f5_asks_for_the_selected_line(
    connected_store: Any, browser: Any, tmp_path: Path
) -> None:
    pocari = out_of_stock_here(tmp_path, POCARI)
    till = Till(browser(), connected_store)
    till.open()
    till.sign_in_and_open_shift()
    assert not till.shown("elsewhere")

    till.scan(POCARI, 1)  # none left here: the till says so and asks central by itself
    till.until(lambda: "Omnitoko Depok" in till.text("elsewhere-box"), "the other store's figure is shown")
    assert "stok di toko ini 0" in till.text("message")
    assert till.text("elsewhere-here") == "Di toko ini: 0" and till.text("elsewhere-name") == "Pocari Sweat 350ml"
    rows = [r.text for r in till.d.find_elements(By.CSS_SELECTOR, "#elsewhere-box li")]
    expected = others(connected_store, till.token(), pocari)  # what central says, as the store server relays it
    assert rows and len(rows) == len(expected)
    assert all(name in r and str(n) in r for r, (name, n) in zip(rows, expected, strict=True))
    assert till.focused_id() == "scan"  # beside the sale: the next scan goes on as before

    till.scan(AQUA_330, 2)  # in stock here: nothing asked, the line is added
    till.keys(Keys.ESCAPE)
    till.until(lambda: not till.shown("elsewhere"), "Esc puts the panel away")
    till.keys(Keys.F1)  # the selected line (the last one) on demand
    till.until(lambda: till.shown("elsewhere") and "Omnitoko Depok" in till.text("elsewhere-box"), "F1 asks")
    assert till.text("elsewhere-name") == "Air Mineral Aqua 330ml" and till.text("elsewhere-here") != "Di toko ini: 0"


@pytest.fixture
def unreachable_central_store(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Any:
    """The demo store server, connected to a central store that cannot be reached (nothing listens there)."""
    monkeypatch.setenv("OMNITOKO_SYNC__CENTRAL_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OMNITOKO_SYNC__TOKEN", "t" * 40)
    return request.getfixturevalue("store_server")


def test_with_central_unreachable_the_till_says_so_in_its_language_and_shows_this_store_only(
    unreachable_central_store: Any, browser: Any, tmp_path: Path
) -> None:
    out_of_stock_here(tmp_path, POCARI)
    till = Till(browser(), unreachable_central_store)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(POCARI, 1)
    till.until(lambda: "Pusat tidak terjangkau" in till.text("elsewhere-box"), "the offline answer, in Indonesian")
    assert till.text("elsewhere-here") == "Di toko ini: 0"
    assert not till.d.find_elements(By.CSS_SELECTOR, "#elsewhere-box li")  # no list it cannot know
    till.d.find_element(By.ID, "lang-toggle").click()
    till.until(lambda: "Central store unreachable" in till.text("elsewhere-box"), "re-worded in English in place")
    assert till.text("elsewhere-here") == "In this store: 0"
    assert till.line_count() == 1  # the sale goes on: a till never refuses what a shopper holds
