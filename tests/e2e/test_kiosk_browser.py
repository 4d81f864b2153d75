"""The kiosk in a real browser: a shopper scans, sends the cart to the till, and the till opens it with one key."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_online_cart_browser import central_server, central_template, connected_store  # noqa: F401 - fixtures

WAIT = 20  # how long a WebDriverWait may wait for the page to get there; never a timing assert
AQUA_330 = "8990000100010"  # Air Mineral Aqua 330ml, Rp 3.500
AQUA_600 = "8990000100027"  # Air Mineral Aqua 600ml, Rp 4.500
CODE = re.compile(r"^K-\d+$")


class Kiosk:
    """The kiosk page, used the way a shopper does: touches, and a wedge scanner typing digits + Enter."""

    def __init__(self, driver: Any, url: str) -> None:
        self.d = driver
        self.d.get(url)
        self.wait = WebDriverWait(
            driver,
            WAIT,
            poll_frequency=0.05,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )
        self.until(lambda: self.body().get_attribute("data-kiosk-paired") == "yes", "the kiosk paired itself")
        self.until(lambda: "ready" in self.body().get_attribute("class"), "the kiosk script started")
        self.until(lambda: self.d.find_elements(By.CSS_SELECTOR, "#categories .category"), "categories are shown")

    def body(self) -> Any:
        return self.d.find_element(By.TAG_NAME, "body")

    def until(self, condition: Any, message: str = "") -> Any:
        return self.wait.until(lambda _d: condition(), message)

    def screen(self) -> str:
        return str(self.body().get_attribute("data-screen"))

    def text(self, css: str) -> str:
        return str(self.d.find_element(By.CSS_SELECTOR, css).text)

    def tap(self, css: str) -> None:
        self.d.find_element(By.CSS_SELECTOR, css).click()

    def scan(self, code: str) -> None:
        """A keyboard-wedge scanner: digits and Enter, typed at whatever the page has (no input field needed)."""
        self.body().send_keys(code, Keys.ENTER)

    def cart_count(self) -> int:
        btn = self.d.find_element(By.ID, "cart-btn")
        return int(self.text("#cart-count")) if "has-items" in (btn.get_attribute("class") or "") else 0

    def add_scanned(self, code: str, price: str, qty: int = 1) -> None:
        before = self.cart_count()
        self.scan(code)
        self.until(
            lambda: self.screen() == "product" and self.text("#product-price") == price,
            f"scanning {code} shows its price {price}",
        )
        for _ in range(qty - 1):
            self.d.find_elements(By.CSS_SELECTOR, "#product-card .step")[1].click()
        self.tap("#product-add")
        self.until(lambda: self.cart_count() == before + qty, "the cart badge counts the new items")


def decode_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "the ticket's QR code can be read"
    return str(found[0].text)


def sign_in_and_open_shift(server: Any) -> str:
    token = server.api("POST", "/session", json={"staff_code": "1001", "pin": "1234", "till_id": "T1"}).json()["token"]
    assert server.api("POST", "/shifts", token, json={"opening_float": 200_000}).status_code == 201
    return str(token)


def test_a_cart_built_by_scanning_is_sent_to_the_till_as_a_ticket(
    store_server: Any, browser: Any, screens: Path
) -> None:
    kiosk = Kiosk(browser(1280, 1024), store_server.kiosk_url())
    assert kiosk.screen() == "welcome" and kiosk.text("#tile-price .tile-title") == "Cek harga"
    kiosk.d.save_screenshot(str(screens / "kiosk-welcome.png"))

    kiosk.add_scanned(AQUA_330, "Rp 3.500")  # scanned straight from the welcome screen
    kiosk.add_scanned(AQUA_600, "Rp 4.500", qty=2)
    kiosk.scan("8991234567890")
    kiosk.until(lambda: "8991234567890" in kiosk.text("#toast"), "an unknown barcode says so")

    kiosk.tap("#cart-btn")
    kiosk.until(
        lambda: kiosk.screen() == "cart" and kiosk.text("#cart-summary .total-amount") == "Rp 12.500",
        "the cart shows the total at current prices",
    )
    assert len(kiosk.d.find_elements(By.CSS_SELECTOR, "#cart-lines .cart-line")) == 2
    kiosk.tap("#send-to-till")
    kiosk.until(lambda: kiosk.screen() == "ticket" and CODE.match(kiosk.text("#ticket-code")), "the ticket code")
    code = kiosk.text("#ticket-code")
    assert "Tunjukkan kode ini di kasir" in kiosk.text("#screen-ticket")
    assert "3 barang" in kiosk.text("#ticket-summary") and "Rp 12.500" in kiosk.text("#ticket-summary")
    kiosk.until(
        lambda: kiosk.d.execute_script(
            "const i = document.getElementById('ticket-qr'); return i.complete && i.naturalWidth > 0;"
        ),
        "QR drawn",
    )
    kiosk.d.save_screenshot(str(screens / "kiosk-ticket.png"))
    assert kiosk.cart_count() == 0, "the cart went to the till; the kiosk holds nothing any more"

    # The till takes it by the QR on screen (as a 2-D scanner would type it), once.
    payload = decode_qr(kiosk.d.find_element(By.ID, "ticket-qr").screenshot_as_png)
    assert payload.startswith("K1.")
    token = sign_in_and_open_shift(store_server)
    taken = store_server.api("POST", "/kiosk-carts/take", token, json={"code": payload})
    assert taken.status_code == 200, taken.text
    body = taken.json()
    assert body["kiosk_cart"]["code"] == code
    assert sorted((l["barcode"], l["qty"]) for l in body["sale"]["lines"]) == [(AQUA_330, 1), (AQUA_600, 2)]
    again = store_server.api("POST", "/kiosk-carts/take", token, json={"code": code})
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_taken"

    kiosk.tap("#screen-ticket [data-reset]")
    kiosk.until(lambda: kiosk.screen() == "welcome", "Done goes back to the welcome screen")


def test_the_kiosk_starts_over_after_being_left_idle(store_server: Any, browser: Any) -> None:
    kiosk = Kiosk(browser(1280, 1024), store_server.kiosk_url("idle=2&countdown=3"))
    kiosk.tap("[data-lang=en]")
    kiosk.until(lambda: kiosk.text("#tile-price .tile-title") == "Check a price", "English at a touch")

    # No camera in a headless browser: the kiosk says so, and the wedge scanner still works.
    kiosk.tap("#tile-price")
    kiosk.tap("#screen-check [data-camera]")
    kiosk.until(lambda: "No camera" in kiosk.text("#camera-status"), "no camera: use the scanner")
    kiosk.add_scanned(AQUA_330, "Rp 3.500")
    assert kiosk.d.find_element(By.ID, "camera").is_displayed() is False

    kiosk.until(lambda: kiosk.d.find_element(By.ID, "idle").is_displayed(), "left alone: a countdown appears")
    assert int(kiosk.text("#idle-count")) in (1, 2, 3) and "Still there?" in kiosk.text("#idle")
    kiosk.tap("#idle-stay")
    assert not kiosk.d.find_element(By.ID, "idle").is_displayed() and kiosk.cart_count() == 1

    kiosk.until(lambda: kiosk.d.find_element(By.ID, "idle").is_displayed(), "the countdown comes back")
    kiosk.until(
        lambda: kiosk.screen() == "welcome" and kiosk.cart_count() == 0,
        "then the kiosk starts over",
    )
    # The welcome screen fades in (opacity from 0): wait for its text rather than read it at once.
    kiosk.until(lambda: kiosk.text("#tile-price .tile-title") == "Cek harga", "in the store's own language again")
    assert not kiosk.d.find_element(By.ID, "idle").is_displayed()


def test_on_the_points_step_a_scan_that_is_not_a_member_qr_says_what_it_is_and_offers_its_step(
    store_server: Any, browser: Any
) -> None:
    kiosk = Kiosk(browser(1280, 1024), store_server.kiosk_url())
    kiosk.tap("#tile-points")
    kiosk.scan(AQUA_330)  # a product in the shopper's hand: named and priced here, not a jump to another screen
    kiosk.until(lambda: "Ini barcode produk, bukan QR member." in kiosk.text("#points-message"), "it is a product")
    assert kiosk.screen() == "points" and "Air Mineral Aqua 330ml" in kiosk.text("#points-scanned")
    assert "pindai QR member" in kiosk.text("#points-scanned .points-where-qr")
    kiosk.scan("hello world")
    kiosk.until(lambda: kiosk.text("#points-message") == "Ini bukan QR member.", "nonsense is no cart code")
    kiosk.scan("K7Q-42P")  # an online cart's code: said so in either language, one touch opens it
    kiosk.until(lambda: "K7Q-42P" in kiosk.text("#points-message"), "it is an online cart")
    kiosk.tap("[data-lang=en]")
    kiosk.until(lambda: kiosk.text("#points-cart-open") == "Open cart K7Q-42P", "re-worded in English")
    assert kiosk.text("#points-message") == "This is the QR of your online cart K7Q-42P, not a member QR."
    kiosk.tap("#points-cart-open")
    kiosk.until(lambda: kiosk.screen() == "online" and kiosk.text("#online-text") == "K7Q-42P", "the cart's step")


def test_a_scan_that_is_no_product_or_cart_is_named_on_the_step_and_the_cart_being_built_stays(
    store_server: Any, browser: Any
) -> None:
    kiosk = Kiosk(browser(1280, 1024), store_server.kiosk_url())
    kiosk.add_scanned(AQUA_330, "Rp 3.500")
    kiosk.tap("#cart-btn")
    kiosk.scan("https://example.com/promo")  # a poster's QR: said what it is, not "cart code not recognised"
    kiosk.until(lambda: "bukan barcode produk, QR keranjang online" in kiosk.text("#toast"), "named on the cart")
    assert kiosk.screen() == "cart" and kiosk.cart_count() == 1
    kiosk.tap("[data-lang=en]")
    kiosk.scan("OO1.K7Q42P")  # an online order's pick-up QR: where it goes, in the shopper's language
    kiosk.until(lambda: "Show it at the till to collect your order" in kiosk.text("#toast"), "an order, in English")
    assert kiosk.screen() == "cart" and kiosk.cart_count() == 1
    kiosk.tap(".brand")
    kiosk.tap("#tile-online")
    kiosk.scan("OC1.tokolain.K7Q-42P")
    kiosk.until(lambda: kiosk.text("#online-message") == "This cart is from another shop and cannot be paid here.")

    # Past the kiosk's 10 carts a minute, a scanned cart code: busy, and for how long, in the shopper's language;
    # the code stays on the step and the cart being built stays.
    kiosk.d.execute_script(
        "return Promise.all(Array.from({length: 10}, () => fetch('/api/v1/kiosk/online-carts/open', {method: 'POST',"
        " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({code: 'K7Q-42P'})})));"
    )
    kiosk.scan("K7Q-42P")
    busy = re.compile(r"^The kiosk is busy\. Please try again in \d+ seconds?\.$")
    kiosk.until(lambda: busy.match(kiosk.text("#online-message")), "busy, with the seconds to wait")
    assert kiosk.text("#online-text") == "K7Q-42P" and kiosk.cart_count() == 1
    assert not kiosk.d.find_element(By.ID, "kiosk-notice").is_displayed(), "said once, on the step"


def cart_waiting_at(till: Any, kiosk: Kiosk) -> str:
    """A shopper sends 3 x Aqua 330ml (Rp 10.500) from the kiosk; returns its code once the till shows 'Keranjang
    kiosk K-n siap' live."""
    kiosk.add_scanned(AQUA_330, "Rp 3.500", qty=3)
    kiosk.tap("#cart-btn")
    kiosk.until(lambda: kiosk.d.find_elements(By.ID, "send-to-till"), "the send button")
    kiosk.tap("#send-to-till")
    kiosk.until(lambda: CODE.match(kiosk.text("#ticket-code")), "the ticket code")
    code = kiosk.text("#ticket-code")
    till.until(
        lambda: any(f"{code} siap" in e.text for e in till.d.find_elements(By.CSS_SELECTOR, "#kiosk-carts .kc")),
        "the till shows the kiosk cart waiting, live",
    )
    return code


def test_the_till_hears_the_kiosk_cart_and_opens_it_with_one_key(store_server: Any, browser: Any) -> None:
    from test_till_browser import Till  # the till's own browser helper (tests/e2e is on sys.path)

    till = Till(browser(1440, 900), store_server)
    till.open()
    if not till.d.find_elements(By.CSS_SELECTOR, "script[src*='kiosk-carts.js']"):
        raise AssertionError("templates/pos/till.html does not include static/pos/kiosk-carts.js")
    till.sign_in_and_open_shift()

    code = cart_waiting_at(till, Kiosk(browser(1280, 1024), store_server.kiosk_url()))
    till.keys(Keys.F10)
    till.until(lambda: till.shown("screen-sale") and till.line_count() == 1, "the kiosk cart is the till's sale")
    # Read inside a wait: the sale's list may be drawn once more (the live update after the take), and a line read
    # while it is redrawn is a stale element, not a wrong line.
    till.until(
        lambda: till.line_names() == ["Air Mineral Aqua 330ml"] and till.text("total") == "Rp 10.500",
        "the till shows the kiosk cart's line and total",
    )
    till.until(lambda: f"{code} dibuka" in till.text("message"), "the till says it opened")
    assert not till.d.find_elements(By.CSS_SELECTOR, "#kiosk-carts .kc"), "nothing is left waiting"

    # The shopper shows the code again at another moment: typed into the scan field, it is refused once taken.
    till.until(lambda: till.focused_id() == "scan", "the scan field has focus")
    till.keys(code, Keys.ENTER)
    till.until(
        lambda: "sudah dibuka di kasir T1" in till.text("message"),
        "a second take is refused with a clear message",
    )
    assert till.line_count() == 1


def test_a_cart_taken_while_a_scan_is_still_answered_shows_both(store_server: Any, browser: Any) -> None:
    """F10 right after a scan whose answer is slow: the cart waits behind the scan in the till's one queue, so the
    scan's late answer cannot draw the sale without the cart over the cart's answer."""
    from pagekit import hold_back
    from test_till_browser import Till

    till = Till(browser(1440, 900), store_server)
    till.open()
    till.sign_in_and_open_shift()
    code = cart_waiting_at(till, Kiosk(browser(1280, 1024), store_server.kiosk_url()))

    hold_back(till.d, "/lines", sent=True)  # the scan reaches the server at once; its answer comes a second late
    till.until(lambda: till.focused_id() == "scan", "the scan field has focus")
    till.keys(AQUA_600, Keys.ENTER)
    till.keys(Keys.F10)
    till.until(lambda: till.d.execute_script("return window.__late") == 1, "the scan's answer came")
    till.until(lambda: f"{code} dibuka" in till.text("message"), "the cart was opened")
    till.until(
        lambda: (
            sorted(till.line_names()) == ["Air Mineral Aqua 330ml", "Air Mineral Aqua 600ml"]
            and till.text("total") == "Rp 15.000"
        ),
        "the till shows the scanned item and the cart's, with their total",
    )


def test_an_unpaired_kiosk_checks_prices_asks_for_a_code_and_then_sends_carts(
    store_server: Any, browser: Any, screens: Path
) -> None:
    d = browser(1280, 1024)
    d.get(f"{store_server.url}/kiosk/")
    kiosk = Kiosk.__new__(Kiosk)  # the page as it is, not paired by a link
    kiosk.d = d
    kiosk.wait = WebDriverWait(d, WAIT, poll_frequency=0.05, ignored_exceptions=(NoSuchElementException,))
    kiosk.until(lambda: kiosk.body().get_attribute("data-kiosk-paired") == "no", "the kiosk knows it is not paired")
    kiosk.until(lambda: d.find_element(By.ID, "pairing").is_displayed(), "it asks for a pairing code")
    d.save_screenshot(str(screens / "kiosk-pairing.png"))
    kiosk.tap("#pairing-later")
    assert d.find_element(By.ID, "pairing-banner").is_displayed()
    offered = [css for css in ("#tile-price", "#tile-points", "#tile-online", "#cart-btn") if shown(d, css)]
    assert offered == ["#tile-price"], "unpaired, it offers only what works: a price check"
    kiosk.scan(AQUA_330)  # a price check needs no pairing
    kiosk.until(lambda: kiosk.screen() == "product" and kiosk.text("#product-price") == "Rp 3.500", "its price")
    assert not shown(d, "#product-add"), "no cart to add to that could not be sent"
    code = subprocess.run(
        [sys.executable, "-m", "omnitoko.cli", "store", "pair-kiosk", "--config", str(store_server.config)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    kiosk.tap("#pairing-open")
    field = d.find_element(By.ID, "pairing-code")
    field.send_keys(code.lower())  # typed on the keyboard, not taken for a scan
    field.send_keys(Keys.ENTER)
    kiosk.until(lambda: kiosk.body().get_attribute("data-kiosk-paired") == "yes", "the code paired the kiosk")
    assert not d.find_element(By.ID, "pairing-banner").is_displayed()
    assert d.execute_script("return localStorage.getItem('omnitoko.kioskDevice')"), "the device token is kept"
    kiosk.until(lambda: shown(d, "#product-add"), "paired, the product can go into a cart")
    kiosk.tap("#product-add")
    kiosk.until(lambda: kiosk.cart_count() == 1, "the cart badge counts it")
    kiosk.tap("#cart-btn")
    kiosk.until(lambda: d.find_elements(By.ID, "send-to-till"), "the send button")
    kiosk.tap("#send-to-till")
    kiosk.until(lambda: CODE.match(kiosk.text("#ticket-code")), "a paired kiosk sends its cart to the till")


def shown(d: Any, css: str) -> bool:
    return any(e.is_displayed() for e in d.find_elements(By.CSS_SELECTOR, css))


def test_a_pairing_link_pairs_a_kiosk_whose_kept_token_the_store_no_longer_knows(
    store_server: Any, browser: Any
) -> None:
    d = browser(1280, 1024)
    d.get(f"{store_server.url}/kiosk/")
    d.execute_script("localStorage.setItem('omnitoko.kioskDevice', 'a-token-from-a-store-database-since-reset')")
    Kiosk(d, store_server.kiosk_url())  # the link's code is used: Kiosk() waits until it is paired
    kept = d.execute_script("return localStorage.getItem('omnitoko.kioskDevice')")
    assert kept and kept != "a-token-from-a-store-database-since-reset"


def test_on_a_1024x768_screen_the_welcome_shows_its_choices_the_search_and_the_categories_above_the_footer(
    store_server: Any, browser: Any
) -> None:
    kiosk = Kiosk(screen_of(browser, 1024, 768), store_server.kiosk_url())
    # Measured at rest: a screen slides 6 px into place as it appears (kiosk.css `appear`, 0.18 s).
    kiosk.until(lambda: kiosk.d.execute_script(SETTLED), "the welcome screen has appeared")
    footer = rect(kiosk, ".hint")["top"]
    last = kiosk.d.find_elements(By.CSS_SELECTOR, "#categories .category")[-1]
    bottom = kiosk.d.execute_script("return arguments[0].getBoundingClientRect().bottom", last)
    assert bottom <= footer, f"the categories end at {bottom}, under the footer at {footer}"
    assert kiosk.d.execute_script("return document.scrollingElement.scrollTop") == 0


# True once no animation of the page is still running (the infinite ones, a scanner's beam or a caret, aside).
SETTLED = (
    "return document.getAnimations().every((a) => a.playState !== 'running' "
    "|| a.effect.getComputedTiming().iterations === Infinity)"
)


def rect(kiosk: Kiosk, css: str) -> dict[str, float]:
    """Where an element is drawn, in the window's pixels."""
    return kiosk.d.execute_script(  # type: ignore[no-any-return]
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height};",
        css,
    )


def window_size(kiosk: Kiosk) -> tuple[int, int]:
    return tuple(kiosk.d.execute_script("return [window.innerWidth, window.innerHeight]"))  # type: ignore[return-value]


def screen_of(browser: Any, width: int, height: int) -> Any:
    """A browser whose page area (not its window) is width x height, as on a kiosk's screen."""
    d = browser(width, height)
    inner = d.execute_script("return [window.innerWidth, window.innerHeight]")
    d.set_window_size(2 * width - inner[0], 2 * height - inner[1])
    return d


def test_a_one_item_cart_and_the_last_idle_second_are_singular_in_english(store_server: Any, browser: Any) -> None:
    kiosk = Kiosk(browser(1280, 1024), store_server.kiosk_url("idle=2&countdown=4"))
    kiosk.tap("[data-lang=en]")
    kiosk.add_scanned(AQUA_330, "Rp 3.500")
    kiosk.tap("#cart-btn")
    kiosk.until(lambda: kiosk.text("#cart-summary .total-label") == "Total \u00b7 1 item", "1 item, not 1 items")
    kiosk.until(lambda: kiosk.text("#idle-count") == "2", "left alone: the countdown")
    assert kiosk.text("#idle-unit") == "seconds"
    kiosk.until(lambda: kiosk.text("#idle-count") == "1", "the last second")
    assert kiosk.text("#idle-unit") == "second"


def test_a_price_check_titles_the_other_stores_stock(connected_store: Any, browser: Any) -> None:
    kiosk = Kiosk(browser(1280, 1024), connected_store.kiosk_url())
    kiosk.scan(AQUA_330)
    kiosk.until(lambda: kiosk.d.find_elements(By.CSS_SELECTOR, ".elsewhere li"), "other stores' stock is listed")
    assert kiosk.text(".elsewhere-title") == "Stok di toko lain"
    assert rect(kiosk, ".elsewhere-title")["bottom"] <= rect(kiosk, ".elsewhere li")["top"], "the title is above"
    kiosk.tap("[data-lang=en]")
    kiosk.until(lambda: kiosk.text(".elsewhere-title") == "Stock at other stores", "and in English")


def test_the_cart_button_stays_on_one_line_beside_the_language_switch_on_a_portrait_kiosk(
    store_server: Any, browser: Any, screens: Path
) -> None:
    kiosk = Kiosk(screen_of(browser, 768, 1024), store_server.kiosk_url())
    assert window_size(kiosk) == (768, 1024)
    kiosk.add_scanned(AQUA_330, "Rp 3.500", qty=13)  # Rp 45.500
    kiosk.until(lambda: kiosk.text("#cart-total") == "Rp 45.500", "the cart button shows the total")
    kiosk.d.save_screenshot(str(screens / "kiosk-portrait-cart-button.png"))
    width, _ = window_size(kiosk)
    total, cart, lang = rect(kiosk, "#cart-total"), rect(kiosk, "#cart-btn"), rect(kiosk, ".bar .lang")
    line = kiosk.d.execute_script(
        "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", kiosk.d.find_element(By.ID, "cart-total")
    )
    assert total["height"] < 1.5 * line, "Rp and the amount on one line"
    assert cart["right"] + 8 <= lang["left"] and lang["right"] <= width, "the cart button leaves the switch room"
    boxes = [rect(kiosk, css) for css in (".brand", "#home-btn", "#cart-btn", ".bar .lang")]
    for a, b in zip(boxes, boxes[1:], strict=False):
        assert a["right"] <= b["left"], "the top bar's buttons side by side, not over each other"


def test_the_ticket_code_total_and_done_fit_the_screen_above_the_footer(
    store_server: Any, browser: Any, screens: Path
) -> None:
    kiosk = Kiosk(screen_of(browser, 1280, 1024), store_server.kiosk_url())
    assert window_size(kiosk) == (1280, 1024)
    kiosk.add_scanned(AQUA_330, "Rp 3.500")
    kiosk.tap("#cart-btn")
    kiosk.until(lambda: kiosk.d.find_elements(By.ID, "send-to-till"), "the send button")
    kiosk.tap("#send-to-till")
    kiosk.until(lambda: CODE.match(kiosk.text("#ticket-code")), "the ticket code")
    kiosk.until(lambda: kiosk.d.execute_script("return document.getElementById('ticket-qr').complete"), "QR drawn")
    kiosk.d.save_screenshot(str(screens / "kiosk-ticket-1280x1024.png"))
    _, height = window_size(kiosk)
    top, bottom = rect(kiosk, "header.bar")["bottom"], rect(kiosk, "footer.hint")["top"]
    assert bottom <= height
    for css in ("#ticket-qr", "#ticket-code", "#ticket-summary", "#screen-ticket [data-reset]"):
        box = rect(kiosk, css)
        assert top <= box["top"] and box["bottom"] <= bottom, f"{css} is on screen, clear of the bar and the footer"
    assert kiosk.d.execute_script("return document.scrollingElement.scrollHeight") <= height, "nothing to scroll to"


def test_on_a_1024x768_screen_search_results_show_whole_names_prices_and_add_above_the_keyboard_in_either_language(
    store_server: Any, browser: Any
) -> None:
    """The keyboard takes most of a short screen: each result must still show its whole name (the size tells the
    1500ml from the 1500ml Isi 6), its price and "+ Tambah", and a language switch re-words the results shown."""
    kiosk = Kiosk(screen_of(browser, 1024, 768), store_server.kiosk_url())
    kiosk.tap(".search-open")
    kiosk.until(lambda: kiosk.screen() == "search", "the search screen")
    for key in "AQUA":
        kiosk.tap(f"#search-keyboard [data-key='{key}']")
    kiosk.until(lambda: len(kiosk.d.find_elements(By.CSS_SELECTOR, "#search-results .tile-product")) >= 4, "results")
    box = rect(kiosk, "#search-results")
    shown = kiosk.d.execute_script(
        """const box = document.getElementById('search-results').getBoundingClientRect();
        return [...document.querySelectorAll('#search-results .tile-product')].slice(0, 4).map((card) => {
          const name = card.querySelector('.p-name'), add = card.querySelector('.btn-add').getBoundingClientRect();
          return {name: name.textContent, whole: name.scrollHeight <= name.clientHeight + 1,
                  addInside: add.top >= box.top && add.bottom <= box.bottom + 2, addHeight: add.height};
        });"""
    )
    assert [s["name"] for s in shown][:2] == ["Air Mineral Aqua 1500ml", "Air Mineral Aqua 1500ml Isi 3"]
    assert all(s["whole"] and s["addInside"] and s["addHeight"] >= 48 for s in shown), (shown, box)
    assert kiosk.text("#search-results .btn-add") == "+ Tambah"
    kiosk.tap("[data-lang=en]")
    kiosk.until(lambda: kiosk.text("#search-results .btn-add") == "+ Add", "the results re-worded in English")
