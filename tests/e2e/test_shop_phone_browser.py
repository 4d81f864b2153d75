"""The online shop on a shopper's phone (360 and 390 px wide): what they read and tap fits the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from test_online_cart_browser import CentralServer, Page, _rect, central_server, central_template  # noqa: F401
from test_online_payment_browser import Shop, _fill_cart, shop_and_gateway  # noqa: F401


def phone(browser: Any, width: int, height: int = 800) -> Page:
    """A browser whose viewport is a phone's (a desktop window has a minimum width)."""
    driver = browser(width, height)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )
    return Page(driver)


def _add(shop: Page, url: str, query: str, count: int) -> None:
    """The first product the search finds goes into the cart."""
    shop.d.get(f"{url}/shop/?q={query}")
    shop.until(lambda: shop.d.find_elements(By.CSS_SELECTOR, "article.product"), "the search finds it")
    shop.tap("article.product .btn-add")
    shop.until(lambda: shop.text("#cart-count") == str(count), f"the cart badge says {count}")


@pytest.mark.parametrize("width", [360, 390])
def test_a_cart_line_on_a_phone_reads_across_the_screen_with_its_quantity_on_a_row_of_its_own(
    central_server: CentralServer, browser: Any, screens: Path, width: int
) -> None:
    shop = phone(browser, width)
    _add(shop, central_server.url, "mocacinno", 1)  # "Good Day Kopi Mocacinno 250ml"
    shop.d.get(f"{central_server.url}/shop/cart")
    shop.until(lambda: shop.d.find_elements(By.CSS_SELECTOR, ".line"), "the cart shows its line")
    line, info = _rect(shop, ".line"), _rect(shop, ".line-info")
    qty, amount = _rect(shop, ".line .qty"), _rect(shop, ".line-amount")
    name = _rect(shop, ".line-name")
    assert info["width"] > line["width"] * 0.6, "the name and unit price use the line's width"
    assert name["height"] < 60, "the product name is not broken one word per line"
    assert qty["top"] >= info["bottom"], "the quantity is on its own row under the name and price"
    assert qty["right"] <= amount["left"] or qty["bottom"] <= amount["top"], "the quantity never covers the amount"
    assert shop.d.execute_script("return document.documentElement.scrollWidth") <= width, "no sideways scrolling"
    shop.d.save_screenshot(str(screens / f"shop-cart-phone-{width}.png"))


STEP_LOOK = """return [...document.querySelectorAll('.order-steps li')].map((li) => {
  const mark = getComputedStyle(li, '::before'), words = getComputedStyle(li);
  return [mark.backgroundColor, mark.content, words.fontWeight, words.color];
});"""


def test_the_order_page_on_a_phone_shows_which_steps_are_done_where_the_order_is_and_what_is_to_come(
    shop_and_gateway: Shop, browser: Any, screens: Path
) -> None:
    shop = phone(browser, 390)
    _fill_cart(shop, shop_and_gateway.url)
    shop.tap("#pay-online-button")
    shop.until(lambda: shop.d.current_url.startswith(shop_and_gateway.gateway), "off to the gateway's page")
    shop.tap("#pay")
    shop.until(lambda: shop.d.find_elements(By.CSS_SELECTOR, ".order-steps li"), "the order page with its steps")
    at_store, picked, packed, collected = shop.d.execute_script(STEP_LOOK)
    assert at_store[0] != picked[0] and at_store[1] != picked[1], "the step done is marked unlike those to come"
    assert int(at_store[2]) > int(picked[2]), "the step the order is at stands out"
    assert picked == packed == collected, "the steps to come look alike"
    shop.d.save_screenshot(str(screens / "shop-order-steps-phone.png"))


def test_back_from_the_gateway_shows_the_cart_being_paid_not_a_stale_pay_button(
    shop_and_gateway: Shop, browser: Any
) -> None:
    shop = phone(browser, 390)
    _fill_cart(shop, shop_and_gateway.url)
    shop.tap("#pay-online-button")
    shop.until(lambda: shop.d.current_url.startswith(shop_and_gateway.gateway), "off to the gateway's page")
    shop.d.back()  # the phone's Back button, before paying
    shown = shop.d.execute_script("var c = document.getElementById('cart'); return c && c.dataset.status")
    assert shown == "paying", "the first page the shopper sees is the cart as it is now, not the one they left"
    assert shop.d.find_elements(By.ID, "paying-banner"), "the cart says it is waiting for the payment"
    assert not shop.d.find_elements(By.ID, "pay-online-button"), "no Pay button that would only be refused"
    assert shop.d.find_elements(By.ID, "pay-continue"), "a way back to the payment page"


HEADER_SHOWN = "return Math.max(0, document.querySelector('header.top').getBoundingClientRect().bottom)"


def test_the_shop_header_on_a_phone_is_compact_and_does_not_cover_the_page_as_it_scrolls(
    central_server: CentralServer, browser: Any, screens: Path
) -> None:
    shop = phone(browser, 390, 844)
    _add(shop, central_server.url, "aqua", 1)
    assert "keranjang" in shop.text(".flash-ok"), "the flash is in view"
    shop.d.save_screenshot(str(screens / "shop-header-phone.png"))
    assert shop.d.execute_script(HEADER_SHOWN) <= 844 * 0.15, "the header takes little of the screen"
    shop.d.execute_script("document.querySelectorAll('article.product')[3].scrollIntoView()")
    assert shop.d.execute_script(HEADER_SHOWN) == 0, "scrolled down, nothing covers the products"
    langs = shop.d.find_elements(By.CSS_SELECTOR, "header .lang a")
    assert all(a.rect["height"] >= 44 for a in langs), "the language switch is a thumb's target"


IN_VIEW = """const r = arguments[0].getBoundingClientRect();
return r.top >= 0 && r.top < window.innerHeight && window.scrollY > 0;"""


def test_add_far_down_the_list_comes_back_to_the_product_and_says_so_on_it(
    central_server: CentralServer, browser: Any, screens: Path
) -> None:
    shop = phone(browser, 390, 844)
    shop.d.get(f"{central_server.url}/shop/")
    shop.until(lambda: len(shop.d.find_elements(By.CSS_SELECTOR, "article.product")) > 6, "a page of products")
    far = shop.d.find_elements(By.CSS_SELECTOR, "article.product")[6]
    sku = far.get_attribute("data-sku")
    shop.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", far)
    far.find_element(By.CSS_SELECTOR, ".btn-add").click()
    shop.until(lambda: shop.text("#cart-count") == "1", "the product is in the cart")
    card = shop.d.find_element(By.CSS_SELECTOR, f'article.product[data-sku="{sku}"]')
    assert shop.d.execute_script(IN_VIEW, card), "the page is back at the product tapped, not at the top"
    note = card.find_element(By.CSS_SELECTOR, ".card-note")
    assert "masuk keranjang" in note.text and "Lihat keranjang (1)" in note.text
    shop.d.save_screenshot(str(screens / "shop-added-phone.png"))
