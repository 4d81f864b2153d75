"""The till and the customer display in a real browser, driven the way a cashier drives them: by keys."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from conftest import policy_violations
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20  # seconds a WebDriverWait may wait for the page to get there; never a timing assert

AQUA_330 = "8990000100010"  # Air Mineral Aqua 330ml, Rp 3.500
AQUA_600 = "8990000100027"  # Air Mineral Aqua 600ml, Rp 4.500
TEH_KOTAK = "8990000100072"  # Teh Botol Sosro Kotak 250ml, Rp 4.000
POCARI = "8990000100102"  # Pocari Sweat 350ml, Rp 7.500
INDOMIE_SOTO = "8990000100317"  # Indomie Soto, Rp 3.000
RECEIPT = re.compile(r"^TOKO-01-T1-\d{6}$")


class Till:
    """The till page, used only through the keyboard (keys go to whatever has focus)."""

    def __init__(self, driver: Any, server: Any) -> None:
        self.d = driver
        self.server = server
        self.wait = WebDriverWait(
            driver,
            WAIT,
            poll_frequency=0.05,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )

    def keys(self, *keys: str) -> None:
        self.d.switch_to.active_element.send_keys(*keys)

    def text(self, element_id: str) -> str:
        return self.d.find_element(By.ID, element_id).text

    def shown(self, element_id: str) -> bool:
        return self.d.find_element(By.ID, element_id).is_displayed()

    def until(self, condition: Any, message: str = "") -> Any:
        return self.wait.until(lambda _d: condition(), message)

    def focused_id(self) -> str:
        return self.d.switch_to.active_element.get_attribute("id") or ""

    def open(self) -> None:
        self.d.get(f"{self.server.url}/till")

    def count_pointer_presses(self) -> None:
        """Count every mouse or touch press the page receives from now on (`pointer_presses()` reads it). Enter in a
        form fires a synthetic click on its submit button, so clicks themselves are not counted."""
        self.d.execute_script("""
            window.__pointer = 0;
            for (const ev of ['mousedown', 'pointerdown', 'touchstart', 'wheel'])
              document.addEventListener(ev, (e) => { if (e.isTrusted) window.__pointer++; }, true);
        """)

    def pointer_presses(self) -> int:
        return int(self.d.execute_script("return window.__pointer"))

    def sign_in_and_open_shift(self, code: str = "1001", pin: str = "1234", float_amount: str = "200000") -> None:
        self.until(lambda: self.focused_id() == "signin-code", "the staff code field has focus")
        self.keys(code, Keys.ENTER)
        self.until(lambda: self.focused_id() == "signin-pin", "Enter moves to the PIN")
        self.keys(pin, Keys.ENTER)
        self.until(lambda: self.shown("screen-float"), "a till with no open shift asks for the float")
        assert self.focused_id() == "float-amount"
        self.keys(float_amount, Keys.ENTER)
        self.until(lambda: self.shown("screen-sale") and self.focused_id() == "scan", "the sale screen, scan focused")
        self.until(lambda: self.sale_state() == "open", "the till's new sale has come")

    def sale_state(self) -> str:
        """The sale on screen: open, completed..., or none (body[data-sale-state])."""
        return str(self.d.execute_script("return document.body.dataset.saleState || ''"))

    def selected_result(self) -> str:
        """The search result Enter would take (F2)."""
        rows = self.d.find_elements(By.CSS_SELECTOR, "#search-results li.selected")
        return str(rows[0].text) if rows else ""

    def line_count(self) -> int:
        return len(self.d.find_elements(By.CSS_SELECTOR, "#lines tr"))

    def scan(self, barcode: str, expect_lines: int) -> None:
        assert self.focused_id() == "scan", "the scan field always has focus"
        self.keys(barcode, Keys.ENTER)
        self.until(lambda: self.line_count() == expect_lines, f"{barcode} shows as line {expect_lines}")

    def line_names(self) -> list[str]:
        return [e.text for e in self.d.find_elements(By.CSS_SELECTOR, "#lines .line-name")]

    def token(self) -> str:
        return str(self.d.execute_script("return sessionStorage.getItem('omnitoko.token')"))


def _display_text(driver: Any) -> str:
    return str(driver.find_element(By.ID, "display").text)


def test_sale_by_keyboard_with_live_customer_display(store_server: Any, browser: Any, screens: Path) -> None:
    display = browser()
    display.get(f"{store_server.url}/display/T1")
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: d.find_element(By.ID, "display-link").get_attribute("data-live") == "1", "display joined T1"
    )

    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.scan(AQUA_600, 2)
    till.scan(TEH_KOTAK, 3)
    assert till.line_names() == ["Air Mineral Aqua 330ml", "Air Mineral Aqua 600ml", "Teh Botol Sosro Kotak 250ml"]
    assert till.text("total") == "Rp 12.000"

    # The shopper sees every line live, before paying.
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: all(n in _display_text(d) for n in till.line_names()) and "Rp 12.000" in _display_text(d),
        "the display shows the three lines and the total",
    )
    display.save_screenshot(str(screens / "display.png"))
    till.d.save_screenshot(str(screens / "till-sale.png"))

    # Pay: F12, cash given 20000, Enter.
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog takes the cash given")
    till.keys("20000")
    till.until(lambda: "Rp 8.000" in till.text("pay-preview"), "the change is previewed while typing")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "the sale completes once fully paid")
    change, number = till.text("paid-change"), till.text("paid-number")
    assert change == "Rp 8.000"
    assert RECEIPT.match(number), number
    frame = till.d.find_element(By.ID, "paid-receipt")  # the receipt beside the change, by its signed link
    assert f"/receipts/{number}/" in frame.get_attribute("src")
    till.d.switch_to.frame(frame)
    till.until(lambda: number in till.d.find_element(By.ID, "receipt").text, "the receipt shows beside the change")
    till.d.switch_to.default_content()
    till.d.save_screenshot(str(screens / "till-paid.png"))

    # The server agrees with what the page shows.
    sale = store_server.api("GET", f"/sales/{number}", till.token()).json()
    assert (sale["state"], sale["total"], sale["paid"], sale["change"]) == ("completed", 12000, 20000, 8000)

    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: "Terima kasih" in _display_text(d) and "Rp 8.000" in _display_text(d) and number in _display_text(d),
        "the display thanks the shopper and shows the change",
    )
    display.save_screenshot(str(screens / "display-paid.png"))

    # The next scan starts a new sale by itself.
    assert till.focused_id() == "scan"
    till.scan(POCARI, 1)
    assert not till.shown("paid-panel")
    assert till.text("total") == "Rp 7.500"
    WebDriverWait(display, WAIT, poll_frequency=0.05).until(
        lambda d: "Pocari Sweat 350ml" in _display_text(d), "display follows"
    )


def test_five_item_cash_sale_needs_no_mouse(store_server: Any, browser: Any) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.count_pointer_presses()
    till.sign_in_and_open_shift()

    till.scan(AQUA_330, 1)
    till.keys("2*", INDOMIE_SOTO, Keys.ENTER)  # 2* before a scan: quantity 2
    till.until(lambda: till.line_count() == 2)
    till.keys("1234567890128", Keys.ENTER)  # a barcode the store does not sell
    till.until(lambda: "1234567890128" in till.text("message") and "F2" in till.text("message"))
    assert "msg-error" in till.d.find_element(By.ID, "message").get_attribute("class")
    assert till.line_count() == 2

    till.keys(Keys.F2)  # search by name
    till.until(lambda: till.focused_id() == "search-q")
    till.keys("pocari 350")
    till.until(lambda: "Pocari Sweat 350ml" in till.selected_result(), "the whole name's results, Pocari first")
    till.keys(Keys.ENTER)
    till.until(lambda: till.line_count() == 3 and till.focused_id() == "scan")

    till.scan(TEH_KOTAK, 4)
    till.keys(Keys.F4)  # quantity of the selected (newest) line
    till.until(lambda: till.focused_id() == "qty-value")
    till.keys(Keys.BACKSPACE, "3", Keys.ENTER)
    till.until(lambda: till.d.find_element(By.CSS_SELECTOR, "#lines tr.selected .c-qty").text == "3")

    till.scan(AQUA_600, 5)
    till.keys(Keys.ARROW_UP, Keys.ARROW_UP, Keys.ARROW_UP, Keys.ARROW_UP)  # select the first line
    till.until(lambda: "Aqua 330ml" in till.d.find_element(By.CSS_SELECTOR, "#lines tr.selected").text)
    till.keys(Keys.F9)  # remove it
    till.until(lambda: till.line_count() == 4)
    till.scan(AQUA_330, 5)

    # 2 x 3.000 + 7.500 + 3 x 4.000 + 4.500 + 3.500 = 33.500
    assert till.text("total") == "Rp 33.500"
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)  # exact cash
    till.until(lambda: till.shown("paid-panel"))
    assert till.text("paid-change") == "Rp 0"
    assert RECEIPT.match(till.text("paid-number"))
    assert till.pointer_presses() == 0, "the whole sale ran without a mouse"
    assert till.focused_id() == "scan"


def test_approval_in_place_reload_park_english_and_z_report(store_server: Any, browser: Any) -> None:
    till = Till(browser(), store_server)
    till.d.get(f"{store_server.url}/till?lang=en")
    till.sign_in_and_open_shift()
    assert till.text("scan-label") == "SCAN"
    till.scan(AQUA_330, 1)
    till.scan(POCARI, 2)

    # 20% off the whole sale is over the 10% limit: the manager approves in place.
    till.keys(Keys.F6)
    till.until(lambda: till.focused_id() == "disc-value")
    till.keys("t", "20", Keys.ENTER)
    till.until(lambda: till.focused_id() == "appr-code", "the approval asks for the manager's code")
    assert till.text("approve-q") == "A discount of 20% on the whole sale?", "the manager sees what they approve"
    till.keys("9001", Keys.ENTER)
    till.keys("4321", Keys.ENTER)
    till.until(lambda: till.text("total") == "Rp 8.800", "(3.500 + 7.500) less 20%")
    assert till.focused_id() == "scan"
    assert not till.shown("modal")

    # A reload keeps the signed-in till, the open sale and the language (cookie).
    till.d.get(f"{store_server.url}/till")
    till.until(lambda: till.shown("screen-sale") and till.line_count() == 2)
    assert till.text("total") == "Rp 8.800"
    assert till.text("scan-label") == "SCAN"

    # Park it, then resume it from the list.
    till.keys(Keys.F8)
    till.until(lambda: "Park this sale" in till.text("dialog") and till.d.find_elements(By.CSS_SELECTOR, "#parked li"))
    till.keys("p")
    till.until(lambda: till.line_count() == 0 and "parked" in till.text("message").lower())
    # Z with it parked: the parked sale is named (when, how many items) before the cashier counts the drawer.
    till.keys(Keys.F7)
    till.until(lambda: "Close shift" in till.text("dialog"))
    till.keys("z")
    till.until(lambda: "cannot close yet" in till.text("dialog"), "the parked sale is said before the count")
    assert re.search(r"Still unfinished: parked at \d\d:\d\d \(2 items\)\.", till.text("dialog"))
    assert not till.d.find_elements(By.ID, "counted")
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.shown("modal") is False and till.focused_id() == "scan")
    till.keys(Keys.F8)
    till.until(lambda: "Rp 8.800" in till.text("parked"))
    till.keys(Keys.ENTER)
    till.until(lambda: till.line_count() == 2 and till.text("total") == "Rp 8.800")

    # Z with the sale still open: said at once, before the cashier counts the drawer.
    till.keys(Keys.F7)
    till.until(lambda: "Close shift" in till.text("dialog"))
    till.keys("z")
    till.until(
        lambda: "Still unfinished: the sale under way (2 items)." in till.text("dialog"),
        "the open sale is said before the count",
    )
    assert not till.d.find_elements(By.ID, "counted")
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.shown("modal") is False and till.focused_id() == "scan")

    # Card for the whole amount: no change; then close the shift with the float counted.
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys("c")
    till.until(lambda: till.shown("paid-panel"))
    assert till.text("paid-change") == "Rp 0"
    till.keys(Keys.F7)
    till.until(lambda: "Close shift" in till.text("dialog"))
    till.keys("z")
    till.until(lambda: till.focused_id() == "counted")
    till.keys("200000", Keys.ENTER)
    till.until(lambda: "Z report" in till.text("dialog"))
    report = till.text("dialog")
    assert "Counted cash\nRp 200.000" in report or "Counted cash Rp 200.000" in report
    assert re.search(r"Variance\s+Rp 0", report)
    assert re.search(r"Card\s+Rp 8\.800", report)
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("screen-signin") and till.focused_id() == "signin-code")


def test_the_paid_screens_receipt_frame_has_a_plain_text_title(store_server: Any, browser: Any) -> None:
    till = Till(browser(1366, 768), store_server)
    till.open()
    till.until(lambda: till.shown("screen-signin"), "the till starts")
    frame = till.d.find_element(By.ID, "paid-receipt")
    assert frame.get_attribute("title") == "No. struk", "a screen reader reads the frame's name, not markup"
    assert frame.get_attribute("tabindex") == "-1", "Tab never lands in the receipt"
    page = str(till.d.execute_script("return document.body.textContent"))
    assert "</span>" not in page and "</iframe>" not in page


def test_markup_that_slips_into_the_till_page_shows_but_never_runs(store_server: Any, browser: Any) -> None:
    """The pages' policy (common.web.page_policy): a script or an on...= handler put into the page, as a product
    name that slipped past escaping would be, is refused by the browser; the till goes on working."""
    till = Till(browser(1366, 768), store_server)
    till.open()
    till.until(lambda: till.shown("screen-signin"), "the till starts")
    till.d.execute_script(
        """const box = document.createElement("div");
        box.innerHTML = '<img src="/no-such.png" onerror="window.ranHandler = 1">';
        document.body.append(box);
        const s = document.createElement("script");
        s.textContent = "window.ranScript = 1";
        document.body.append(s);"""
    )
    refused: list[str] = []
    till.until(lambda: len(refused.extend(policy_violations(till.d)) or refused) >= 2, "both refused, reported")
    assert till.d.execute_script("return [window.ranScript, window.ranHandler]") == [None, None]
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    assert till.text("total") == "Rp 3.500", "the till's own scripts still run"


def test_back_from_the_approval_the_discount_field_takes_the_typing_where_it_left_it(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(1366, 768), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.scan(POCARI, 2)

    # Switching to the whole sale and to Rupiah while typing keeps the typing going at the end of the field.
    till.keys(Keys.F6)
    till.until(lambda: till.focused_id() == "disc-value")
    till.keys("60", "t", "r", "00")
    till.until(lambda: till.d.find_element(By.ID, "disc-value").get_attribute("value") == "6000", "typed on at the end")

    # Rp 6.000 off Rp 11.000 is over the limit: the approval asks; Esc goes back to the field with what was typed selected, so the next digits
    # replace it and Backspace clears it.
    till.keys(Keys.ENTER)
    till.until(lambda: till.focused_id() == "appr-code", "the approval asks for the manager's code")
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "disc-value", "back in the discount field")
    field = "document.getElementById('disc-value')"
    start, end = till.d.execute_script(f"return [{field}.selectionStart, {field}.selectionEnd]")
    assert (start, end) == (0, 4), "the typed 6000 is selected"
    till.keys(Keys.BACKSPACE, "5")
    assert till.d.find_element(By.ID, "disc-value").get_attribute("value") == "5"
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan")


# The member's card against the total and the receipt on the paid screen: [] when it lies over neither.
MEMBER_CARD_JS = """
const box = (sel) => document.querySelector(sel).getBoundingClientRect();
const over = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const card = box("#member-chip"), out = [];
for (const sel of arguments[0]) if (over(card, box(sel))) out.push(`the member card lies over ${sel}`);
const total = document.getElementById("total");
if (total.scrollWidth > total.clientWidth + 1) out.push("the total is cut off");
return out;
"""


def test_the_member_card_never_lies_over_the_total_or_the_receipt(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    from test_manager_browser import store_beside

    from common.loyalty import normalize_phone
    from pos.services import loyalty

    ctx = store_beside(tmp_path)  # a member the store knows (central's feed brought them)
    with ctx.db.unit_of_work() as s:
        phone = normalize_phone("081234567890")
        member = {"id": "m-1", "number": "M0001", "name": "Budi Santoso", "phone": phone, "balance": 40}
        loyalty.save_member(s, {**member, "version": 1, "card": "CARD-M0001"}, ctx.clock())
    ctx.db.dispose()
    till = Till(browser(1366, 768), store_server)
    till.open()
    till.sign_in_and_open_shift()
    for i, code in enumerate([POCARI, AQUA_330, AQUA_600, TEH_KOTAK, INDOMIE_SOTO], start=1):
        till.scan(code, i)
    till.keys(Keys.F3)
    till.until(lambda: till.focused_id() == "member-input", "the member panel")
    till.keys("081234567890", Keys.ENTER)
    till.until(lambda: till.shown("member-chip") and "Budi Santoso" in till.text("member-chip"), "the member's card")
    assert till.d.execute_script(MEMBER_CARD_JS, [".total-panel", ".lines-panel"]) == []
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"))
    assert till.d.execute_script(MEMBER_CARD_JS, ["#paid-receipt", "#paid-change"]) == []


def test_the_x_report_splits_refunds_by_payment_type_and_keeps_the_drawer_right(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()  # float Rp 200.000
    numbers = []
    for code, key in ((AQUA_330, Keys.ENTER), (POCARI, "c")):  # Rp 3.500 exact cash, Rp 7.500 by card
        till.keys(code, Keys.ENTER)
        till.until(lambda: till.line_count() == 1)
        till.keys(Keys.F12)
        till.until(lambda: till.focused_id() == "pay-given")
        till.keys(key)
        till.until(lambda: till.shown("paid-panel"))
        numbers.append(till.text("paid-number"))
    token = till.token()
    for number in numbers:  # each back to the tender that paid it
        sale = store_server.api("GET", f"/transactions/{number}", token).json()
        body = {
            "sale_number": number,
            "lines": [{"line_id": sale["lines"][0]["id"], "qty": 1}],
            "approval": {"staff_code": "9001", "pin": "4321"},
        }
        assert store_server.api("POST", "/refunds", token, json=body).status_code == 201
    till.keys(Keys.F7)
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, '#dialog [data-k="x"]'), "the shift menu")
    till.keys("x")
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, "#dialog table.report"), "the X report")
    rows = [" ".join(e.text.split()) for e in till.d.find_elements(By.CSS_SELECTOR, "#dialog tr.refund-tender")]
    assert sorted(rows) == ["Kartu -Rp 7.500", "Tunai -Rp 3.500"], rows
    assert re.search(r"Retur \(2\)\s+Rp 11\.000", till.text("dialog"))
    assert re.search(r"Tunai seharusnya di laci\s+Rp 200\.000", till.text("dialog"))  # 200.000 + 3.500 - 3.500
