"""Stock transfer in real browsers: a manager at TOKO-01 sends stock on the Transfer screen; after both stores
synced, the manager at TOKO-02 sees it incoming, types what arrived (one short) and confirms; both screens then
show the open difference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from synckit import central, pg_url, start_server  # noqa: F401
from test_manager_browser import Page

from pos.web.app import create_app
from tests.transfers.transferkit import AQUA_330, on_hand, pair  # noqa: F401

AQUA_330_BARCODE = "8990000100010"


@pytest.fixture
def servers(pair: Any) -> Iterator[tuple[str, str]]:
    """Each store's server on its own port (the store server's app over that store's database)."""
    running = [start_server(create_app(side.ctx.config, side.ctx.db)) for side in pair]
    yield running[0][2], running[1][2]
    for server, thread, _ in running:
        server.shutdown()
        thread.join(timeout=5)


def manager_at(browser: Any, url: str) -> Page:
    page = Page(browser(), url)
    page.go("/manager/sign-in?next=/manager/transfers")
    page.sign_in("9001", "4321")
    page.until(lambda: page.d.find_elements(By.ID, "transfer-new"), "the transfer screen is open")
    return page


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_transfer_sent_on_one_screen_is_received_with_a_difference_on_the_other(
    central: Any, pair: Any, servers: tuple[str, str], browser: Any, screens: Path
) -> None:
    a, b = pair
    stock_a, stock_b = on_hand(a.ctx, AQUA_330), on_hand(b.ctx, AQUA_330)
    sender = manager_at(browser, servers[0])
    sender.el("#code_0").send_keys(AQUA_330_BARCODE)
    sender.el("#qty_0").send_keys("5")
    sender.el("#transfer-submit").click()
    sender.until(lambda: "dikirim" in sender.flash(), "the sender is told the goods left its stock")
    assert on_hand(a.ctx, AQUA_330) == stock_a - 5
    a.sync()
    b.sync()
    receiver = manager_at(browser, servers[1])
    card = receiver.el("form.transfer")
    assert "Kiriman masuk" in card.text and "Omnitoko Kemang" in card.text  # the sender as central names it
    field = card.find_element(By.CSS_SELECTOR, "input[data-sku='SKU-00001']")
    assert field.get_attribute("value") == "5"
    field.clear()
    field.send_keys("4")
    receiver.screenshot(screens / "manager-transfer-receive.png")
    card.find_element(By.CSS_SELECTOR, "button.primary").click()
    receiver.until(lambda: "selisih" in receiver.flash(), "the receiver is told of the difference")
    assert on_hand(b.ctx, AQUA_330) == stock_b + 4
    b.sync()
    a.sync()
    for page in (sender, receiver):
        page.go("/manager/transfers")
        page.until(lambda p=page: p.d.find_elements(By.ID, "transfer-differences"), "the open difference is shown")
        assert "Air Mineral Aqua 330ml dikirim 5, diterima 4" in page.text("#transfer-differences")
