"""Paying online in a real browser: the shop's cart goes to the stand-in gateway's page (its own process,
`omnitoko gateway serve`), the shopper presses Pay (or Cancel), and the shop shows what the central store
learned from the signed notification and its status check. Central and the gateway are real processes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from servekit import free_port, served
from test_online_cart_browser import Page, _central_cli, _central_config, central_template  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
KEY = "SB-Mid-server-e2e-0123456789abcdef"


@dataclass
class Shop:
    url: str
    gateway: str


@pytest.fixture
def shop_and_gateway(tmp_path: Path, central_template: tuple[Path, str]) -> Iterator[Shop]:
    template, _ = central_template
    shutil.copyfile(template, tmp_path / "central.db")
    port, gateway_port = free_port(), free_port()
    config = _central_config(tmp_path, tmp_path / "central.db", port)
    text = config.read_text(encoding="utf-8").replace('server_key = ""', f'server_key = "{KEY}"', 1)
    config.write_text(text.replace("standin_port = 5200", f"standin_port = {gateway_port}"), encoding="utf-8")
    gateway_cmd = [*_central_cli()[:-1], "gateway", "serve", "--config", str(config)]
    with (
        served(gateway_cmd, ROOT, tmp_path / "gateway.log", f"http://127.0.0.1:{gateway_port}/health", "gateway"),
        served(
            _central_cli("serve", "--config", str(config), "--port", str(port), "--workers", "1"),
            ROOT,
            tmp_path / "central.log",
            f"http://127.0.0.1:{port}/api/v1/health",
            "central",
        ),
    ):
        yield Shop(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{gateway_port}")
    for log in ("gateway.log", "central.log"):
        assert KEY not in (tmp_path / log).read_text(errors="replace"), f"the server key is in {log}"


def _fill_cart(shop: Page, url: str) -> None:
    shop.d.get(f"{url}/shop/?q=aqua")
    shop.until(lambda: shop.d.find_elements(By.CSS_SELECTOR, "article.product"), "the search shows products")
    for count, sku in enumerate(("SKU-00001", "SKU-00002"), start=1):
        shop.tap(f'article[data-sku="{sku}"] .btn-add')
        # the badge counts this add (the flash of the one before may still be on the page while it reloads)
        shop.until(lambda n=count: shop.text("#cart-count") == str(n), f"the cart badge says {count}")
        shop.until(lambda: "keranjang" in shop.text(".flash-ok"), "the shop says it is in the cart")
    shop.tap("#cart-link")
    shop.until(lambda: shop.d.find_elements(By.ID, "pay-online-button"), "the cart offers to pay online")
    shop.tap("#mode-pickup")  # the shopper must choose pick-up or delivery before paying
    shop.d.find_element(By.ID, "fulfil-customer").send_keys("Ani")  # and say who collects it


def test_the_shopper_pays_online_at_the_gateway_page_and_the_shop_shows_it_paid(
    shop_and_gateway: Shop, browser: Any, screens: Path
) -> None:
    shop = Page(browser(1366, 1000))
    _fill_cart(shop, shop_and_gateway.url)
    assert "Rp 8.000" in shop.text("#pay-online-button")
    shop.d.save_screenshot(str(screens / "shop-pay-online.png"))
    shop.tap("#pay-online-button")
    shop.until(lambda: shop.d.current_url.startswith(shop_and_gateway.gateway), "off to the gateway's page")
    assert shop.text(".amount") == "Rp 8.000"
    shop.d.save_screenshot(str(screens / "gateway-page.png"))
    shop.tap("#pay")
    shop.until(lambda: shop.d.find_elements(By.ID, "pay-result"), "back at the shop")
    assert shop.d.find_element(By.ID, "pay-result").get_attribute("data-status") == "settlement"
    shop.d.save_screenshot(str(screens / "shop-paid-online.png"))
    shop.d.get(f"{shop_and_gateway.url}/shop/cart")
    shop.until(lambda: shop.d.find_elements(By.ID, "paid-banner"), "the cart page says it was paid")
    assert "online" in shop.text("#paid-text").lower()


def test_a_cancelled_payment_brings_the_shopper_back_to_a_cart_they_can_pay_again(
    shop_and_gateway: Shop, browser: Any
) -> None:
    shop = Page(browser(1366, 1000))
    _fill_cart(shop, shop_and_gateway.url)
    shop.tap("#pay-online-button")
    shop.until(lambda: shop.d.current_url.startswith(shop_and_gateway.gateway), "off to the gateway's page")
    shop.d.get(f"{shop_and_gateway.url}/shop/cart")  # the shopper looks at the cart meanwhile: it is frozen
    shop.until(lambda: shop.d.find_elements(By.ID, "paying-banner"), "the cart waits for the payment")
    shop.tap("#pay-continue")
    shop.until(lambda: shop.d.find_elements(By.ID, "cancel"), "the gateway's page again")
    shop.tap("#cancel")
    shop.until(lambda: shop.d.find_elements(By.ID, "pay-result"), "back at the shop")
    assert shop.d.find_element(By.ID, "pay-result").get_attribute("data-status") == "cancel"
    shop.d.get(f"{shop_and_gateway.url}/shop/cart")
    shop.until(lambda: shop.d.find_elements(By.ID, "pay-online-button"), "the cart can be paid again")


def test_a_shopper_joins_shops_with_their_new_card_and_the_order_paid_online_earns_its_points(
    shop_and_gateway: Shop, browser: Any, screens: Path
) -> None:
    shop = Page(browser(390, 844))
    shop.d.get(f"{shop_and_gateway.url}/join")
    shop.d.find_element(By.ID, "name").send_keys("Sari Dewi")
    shop.d.find_element(By.ID, "phone").send_keys("0813 2222 3333")
    shop.tap("#join-form button")
    shop.until(lambda: shop.d.find_elements(By.ID, "shop-with-card"), "the new member's account page")
    shop.tap("#shop-with-card")
    shop.until(lambda: "kartu member dipakai" in shop.text(".flash-ok").lower(), "the shop keeps the card")
    _fill_cart(shop, shop_and_gateway.url)  # Rp 8.000: below the Rp 10.000 a point needs
    assert "memberi" not in shop.text("#member-card") and "Sa** De**" in shop.text("#card-given")
    shop.d.find_element(By.ID, "qty-SKU-00002").send_keys(Keys.CONTROL, "a", Keys.NULL, "5", Keys.TAB)  # sent on change
    shop.until(lambda: "Rp 26.000" in shop.text("#cart-total"), "Rp 3.500 and five bottles of Rp 4.500")
    assert "+2 poin" in shop.text("#card-earns")
    shop.d.execute_script("document.getElementById('member-card').scrollIntoView()")
    shop.d.save_screenshot(str(screens / "shop-member-card-phone.png"))
    shop.tap("#mode-pickup")
    shop.d.find_element(By.ID, "fulfil-customer").send_keys("Sari")
    shop.tap("#pay-online-button")
    shop.until(lambda: shop.d.current_url.startswith(shop_and_gateway.gateway), "off to the gateway's page")
    shop.tap("#pay")
    shop.until(lambda: shop.d.find_elements(By.ID, "pay-points"), "back at the shop, paid")
    assert shop.text("#pay-points") == "+2 poin masuk ke kartu member Anda."
