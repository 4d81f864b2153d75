"""Omnichannel in real browsers: a cart made in the online shop is scanned at the kiosk (its QR, typed by a wedge
scanner), sent to the till, paid there, and the shop's cart page then says it was paid in store.

The central store runs as its own process (`omnitoko central serve`) on a copy of a demo database; the store
server is the usual `store_server`, pointed at it through OMNITOKO_SYNC__* environment overrides.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from servekit import free_port, served

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20  # how long a wait may take to get there; never a timing assert
CART_CODE = re.compile(r"^[A-Z2-9]{3}-[A-Z2-9]{3}$")


def _central_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "omnitoko.cli", "central", *args]


def _central_config(where: Path, db: Path, port: int) -> Path:
    text = (ROOT / "central.toml").read_text(encoding="utf-8")
    text = text.replace('url = "sqlite:///var/central.db"', f'url = "sqlite:///{db}"').replace(
        "port = 5100", f"port = {port}"
    )
    text = text.replace('secret_key = ""', 'secret_key = "e2e-central-key-0123456789abcdef0123456789abcdef"', 1)
    path = where / "central.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def central_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`central init --demo-data` and TOKO-01 registered, once; each test serves a copy."""
    where = tmp_path_factory.mktemp("central-template")
    db = where / "central.db"
    config = _central_config(where, db, 5100)
    subprocess.run(
        _central_cli("init", "--config", str(config), "--demo-data"),
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=180,
    )
    token = subprocess.run(
        _central_cli("add-store", "TOKO-01", "--config", str(config), "--name", "Omnitoko Kemang", "--token-only"),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    return db, token


@dataclass
class CentralServer:
    url: str
    token: str
    process: subprocess.Popen[bytes]


@pytest.fixture
def central_server(tmp_path: Path, central_template: tuple[Path, str]) -> Iterator[CentralServer]:
    template, token = central_template
    where = tmp_path / "central"
    where.mkdir()
    shutil.copyfile(template, where / "central.db")
    port = free_port()
    config = _central_config(where, where / "central.db", port)
    log = where / "central.log"
    # One web worker (and the housekeeping one): a test's few requests need no more, and each worker imports the app.
    with served(
        _central_cli("serve", "--config", str(config), "--port", str(port), "--workers", "1"),
        ROOT,
        log,
        f"http://127.0.0.1:{port}/api/v1/health",
        "central",
    ) as proc:
        yield CentralServer(f"http://127.0.0.1:{port}", token, proc)


@pytest.fixture
def connected_store(
    central_server: CentralServer, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Any:
    """The demo store server, its [sync] table pointing at this central store (environment overrides)."""
    monkeypatch.setenv("OMNITOKO_SYNC__CENTRAL_URL", central_server.url)
    monkeypatch.setenv("OMNITOKO_SYNC__TOKEN", central_server.token)
    return request.getfixturevalue("store_server")


class Page:
    def __init__(self, driver: Any) -> None:
        self.d = driver
        self.wait = WebDriverWait(
            driver,
            WAIT,
            poll_frequency=0.05,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, WebDriverException),
        )  # a page mid-navigation

    def until(self, condition: Any, message: str = "") -> Any:
        return self.wait.until(lambda _d: condition(), message)

    def text(self, css: str) -> str:
        return str(self.d.find_element(By.CSS_SELECTOR, css).text)

    def tap(self, css: str) -> None:
        self.d.find_element(By.CSS_SELECTOR, css).click()


def _decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "the cart's QR code can be read"
    return str(found[0].text)


def test_an_online_cart_is_opened_at_the_kiosk_paid_at_the_till_and_shown_paid_in_store(
    central_server: CentralServer, connected_store: Any, browser: Any, screens: Path
) -> None:
    from test_till_browser import Till  # the till's own browser helper (tests/e2e is on sys.path)

    # The shopper fills a cart online and picks TOKO-01 for click-and-collect.
    shop = Page(browser(1366, 1200))
    shop.d.get(f"{central_server.url}/shop/?q=aqua")
    shop.until(lambda: shop.d.find_elements(By.CSS_SELECTOR, "article.product"), "the search shows products")
    shop.d.save_screenshot(str(screens / "shop-catalog.png"))
    for count, sku in enumerate(("SKU-00001", "SKU-00001", "SKU-00002"), start=1):
        shop.tap(f'article[data-sku="{sku}"] .btn-add')
        # the badge counts this add (the flash of the one before may still be on the page while it reloads)
        shop.until(lambda n=count: shop.text("#cart-count") == str(n), f"the cart badge says {count}")
        shop.until(lambda: "keranjang" in shop.text(".flash-ok"), "the shop says it is in the cart")
    assert shop.text("#cart-count") == "3"
    shop.tap("#cart-link")
    shop.until(lambda: shop.d.find_elements(By.ID, "cart-code"), "the cart page with its code")
    shop.d.find_element(By.CSS_SELECTOR, "#store option[value='TOKO-01']").click()
    shop.tap("#reserve")
    shop.until(lambda: "Disimpan di Omnitoko Kemang" in shop.text("#reserved-note"), "stock held at TOKO-01")
    code = shop.text("#cart-code")
    assert CART_CODE.match(code) and shop.text("#cart-total") == "Rp 11.500"
    shop.d.save_screenshot(str(screens / "shop-cart.png"))
    qr = shop.d.find_element(By.CSS_SELECTOR, "#cart-qr svg")
    shop.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", qr)  # the page is longer than the window
    payload = _decode_qr(qr.screenshot_as_png)
    assert payload == f"OC1.omnitoko.{code}"

    # At the kiosk the shopper scans the QR (a wedge scanner types its text), sees the cart and sends it on.
    kiosk = Page(browser(1280, 1024))
    connected_store.open_kiosk(kiosk.d)
    kiosk.until(
        lambda: "ready" in (kiosk.d.find_element(By.TAG_NAME, "body").get_attribute("class") or ""), "kiosk ready"
    )
    kiosk.tap("#tile-online")
    kiosk.d.find_element(By.TAG_NAME, "body").send_keys(payload, Keys.ENTER)
    kiosk.until(
        lambda: kiosk.d.find_element(By.TAG_NAME, "body").get_attribute("data-screen") == "online-cart",
        "the online cart opens at the kiosk",
    )
    # Screens fade in (opacity from 0): wait until the text is shown rather than read it at once.
    kiosk.until(lambda: kiosk.text("#oc-code") == code, "the kiosk shows the cart's code")
    assert kiosk.text("#oc-state") == "Terkonfirmasi"
    assert len(kiosk.d.find_elements(By.CSS_SELECTOR, "#oc-lines .oc-line")) == 2
    assert "Rp 11.500" in kiosk.text("#oc-total")
    shop.d.refresh()
    shop.until(
        lambda: "Sedang dibayar di Omnitoko Kemang" in shop.text("#claimed-banner"), "online: being paid in store"
    )
    kiosk.d.save_screenshot(str(screens / "kiosk-online-cart.png"))
    kiosk.tap("#online-send")
    kiosk.until(lambda: re.match(r"^K-\d+$", kiosk.text("#ticket-code")), "a till ticket, as for a kiosk cart")
    ticket = kiosk.text("#ticket-code")

    # The till hears the ticket, opens it with F10 and takes the cash.
    till = Till(browser(1440, 900), connected_store)
    till.open()
    till.sign_in_and_open_shift()
    till.until(
        lambda: any(f"{ticket} siap" in e.text for e in till.d.find_elements(By.CSS_SELECTOR, "#kiosk-carts .kc")),
        "the till shows the kiosk cart ready",
    )
    till.keys(Keys.F10)
    till.until(lambda: till.shown("screen-sale") and till.line_count() == 2, "the online cart is the till's sale")
    assert till.text("total") == "Rp 11.500"
    till.until(lambda: till.focused_id() == "scan", "the scan field has focus again")
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog takes the cash given")
    till.keys("20000", Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "the sale completes")
    number = till.text("paid-number")

    # Online, the cart now says where and when it was paid.
    shop.d.refresh()
    shop.until(lambda: shop.d.find_elements(By.ID, "paid-banner"), "the cart page shows it paid")
    said = shop.text("#paid-text")
    assert re.fullmatch(r"Dibayar di Omnitoko Kemang, \d\d/\d\d/20\d\d pukul \d\d:\d\d WIB", said), said
    assert number in shop.text("#paid-banner") and "Rp 11.500" in shop.text("#paid-banner")
    shop.d.save_screenshot(str(screens / "shop-paid-in-store.png"))


def _rect(page: Page, css: str) -> dict[str, float]:
    return page.d.execute_script(  # type: ignore[no-any-return]
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height};",
        css,
    )


def test_the_carts_pickup_or_delivery_choice_is_a_readable_form_and_its_two_store_options_say_how_they_differ(
    central_server: CentralServer, browser: Any, screens: Path
) -> None:
    shop = Page(browser(1366, 768))
    shop.d.get(f"{central_server.url}/shop/?q=aqua")
    shop.until(lambda: shop.d.find_elements(By.CSS_SELECTOR, "article.product"), "the search shows products")
    shop.tap('article[data-sku="SKU-00001"] .btn-add')
    shop.until(lambda: shop.text("#cart-count") == "1", "the cart badge says 1")
    shop.tap("#cart-link")
    shop.until(lambda: shop.d.find_elements(By.ID, "fulfil-choice"), "the cart offers pick up or delivery")
    card = _rect(shop, "#pay-online")
    for mode in ("pickup", "delivery"):
        radio = _rect(shop, f"#mode-{mode}")
        words = _rect(shop, f"label:has(#mode-{mode}) b")
        assert radio["left"] - card["left"] < 48, f"the {mode} radio starts the row, not floating mid-card"
        assert 0 <= words["left"] - radio["right"] < 24, f"the {mode} words sit right beside its radio"
        assert radio["top"] < words["bottom"] and words["top"] < radio["bottom"], f"{mode}: radio and words on a line"

    shop.tap("#mode-pickup")
    store, pick = _rect(shop, "#fulfil-store"), _rect(shop, "label:has(#mode-pickup)")
    assert store["top"] >= pick["bottom"] and store["width"] > card["width"] * 0.6, "the store list is its own field"
    shop.tap("#mode-delivery")
    name, address = _rect(shop, "#fulfil-customer"), _rect(shop, "#fulfil-address")
    name_label = _rect(shop, "label[for=fulfil-customer]")
    assert name["top"] >= name_label["bottom"] and address["top"] >= name["bottom"], "each field under its label"
    assert min(name["width"], address["width"]) > card["width"] * 0.6, "the delivery fields are full-width fields"
    assert not shop.d.find_element(By.ID, "fulfil-store").is_displayed(), "only the chosen option's fields show"
    shop.d.execute_script("document.getElementById('pay-online').scrollIntoView()")
    shop.d.save_screenshot(str(screens / "shop-cart-fulfil.png"))

    for lang, paid_first, hold in (("id", "Bayar sekarang", "bayar di toko"), ("en", "Pay now", "pay in store")):
        shop.d.get(f"{central_server.url}/shop/cart?lang={lang}")
        shop.until(lambda: shop.d.find_elements(By.ID, "fulfil-choice"), "the cart page")
        online, in_store = shop.text("label:has(#mode-pickup) b"), shop.text("#pickup h2")
        assert paid_first in online and hold in in_store, (online, in_store)
        assert online != in_store
