"""What a cashier and a shopper noticed on the store floor (QA in Chromium): a barcode scanned into the quantity
dialog, and the customer display while a sale is paid in parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from test_till_browser import AQUA_330, AQUA_600, POCARI, WAIT, Till


def test_a_barcode_scanned_into_the_quantity_dialog_is_refused_not_cut_to_a_quantity(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.keys(Keys.F4)
    till.until(lambda: till.focused_id() == "qty-value")
    till.keys(AQUA_600, Keys.ENTER)  # the scanner fires while F4 is open: 13 digits, not a quantity of 8990
    till.until(lambda: "9999" in till.text("dialog"), "the dialog says the quantity is out of range")
    assert till.focused_id() == "qty-value", "the cashier types the quantity again"
    assert till.d.find_element(By.CSS_SELECTOR, "#lines tr.selected .c-qty").text == "1"
    assert till.text("total") == "Rp 3.500"
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan")
    assert till.text("total") == "Rp 3.500"


def _display(driver: Any) -> str:
    return str(driver.find_element(By.ID, "display").text)


def test_the_customer_display_shows_a_part_payment_and_every_tender_of_a_split_sale(
    store_server: Any, browser: Any
) -> None:
    display = browser(1024, 768)
    display.get(f"{store_server.url}/display/T1")
    wait = WebDriverWait(display, WAIT, poll_frequency=0.05)
    wait.until(lambda d: d.find_element(By.ID, "display-link").get_attribute("data-live") == "1", "display joined T1")
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.scan(POCARI, 2)  # Rp 3.500 + Rp 7.500 = Rp 11.000
    wait.until(lambda d: "Rp 11.000" in _display(d), "the display shows the total")
    assert not display.find_element(By.ID, "d-paying").is_displayed()

    # Rp 5.000 cash first: the shopper sees it taken and what is still to pay (what the card machine will ask).
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys("5000", Keys.ENTER)
    till.until(lambda: till.text("remaining") == "Rp 6.000", "the till shows what is left")
    wait.until(lambda d: d.find_element(By.ID, "d-remaining").text == "Rp 6.000", "the display shows what is left")
    assert display.find_element(By.ID, "d-paying").is_displayed()
    assert " ".join(display.find_element(By.ID, "d-tenders").text.split()) == "Tunai Rp 5.000"
    assert display.find_element(By.ID, "d-total").text == "Rp 11.000"

    # The rest by card: the thank-you names both payments, not only their sum.
    till.keys("c")
    till.until(lambda: till.shown("paid-panel"))
    wait.until(lambda d: "Terima kasih" in _display(d), "the display thanks the shopper")
    tenders = " ".join(display.find_element(By.ID, "d-t-tenders").text.split())
    assert tenders == "Tunai Rp 5.000 Kartu Rp 6.000", tenders
    assert display.find_element(By.ID, "d-t-paid").text == "Rp 11.000"

    # The next shopper's first item: no payment of the last one on screen.
    till.scan(AQUA_600, 1)
    wait.until(
        lambda d: "Air Mineral Aqua 600ml" in _display(d) and not d.find_element(By.ID, "d-paying").is_displayed()
    )


def a_member_the_store_knows(tmp_path: Path) -> None:
    """Budi Santoso, phone 081234567890 (central's feed brought him)."""
    from test_manager_browser import store_beside

    from common.loyalty import normalize_phone
    from pos.services import loyalty

    ctx = store_beside(tmp_path)
    with ctx.db.unit_of_work() as s:
        member = {"id": "m-1", "number": "M0001", "name": "Budi Santoso", "phone": normalize_phone("081234567890")}
        loyalty.save_member(s, {**member, "balance": 40, "version": 1, "card": "CARD-M0001"}, ctx.clock())
    ctx.db.dispose()


def attach_by_phone(till: Till) -> None:
    till.keys(Keys.F3)
    till.until(lambda: till.focused_id() == "member-input", "the member panel")
    till.keys("081234567890", Keys.ENTER)
    till.until(lambda: till.shown("member-chip") and "Budi Santoso" in till.text("member-chip"), "the member's card")
    till.until(lambda: till.focused_id() == "scan")


def test_a_member_attached_after_a_refused_scan_clears_the_red_message(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    a_member_the_store_knows(tmp_path)
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.keys("1234567890128", Keys.ENTER)  # a barcode the store does not sell: red
    till.until(lambda: "msg-error" in till.d.find_element(By.ID, "message").get_attribute("class"))
    till.keys(Keys.F3)
    till.until(lambda: till.focused_id() == "member-input", "the member panel")
    till.keys("081234567890", Keys.ENTER)
    till.until(lambda: till.shown("member-chip") and "Budi Santoso" in till.text("member-chip"), "the member's card")
    till.until(lambda: "Budi Santoso" in till.text("message"), "the message line says the member is on the sale")
    assert "msg-ok" in till.d.find_element(By.ID, "message").get_attribute("class")
    assert "1234567890128" not in till.text("message")
    assert till.focused_id() == "scan"


def test_a_refund_says_digits_are_grams_while_a_weighed_line_is_chosen(store_server: Any, browser: Any) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.scan("2000103008451", 2)  # a scale label: Apel Fuji 0,845 kg
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"))
    number = till.text("paid-number")
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q" and number in till.text("tx-list"))
    till.keys(number, Keys.ENTER)
    till.until(lambda: f"Struk {number}" in till.text("dialog"), "the receipt opens on its first line")
    assert "angka = jumlah retur" in till.text("rc-hint"), "a line sold by the unit: digits are its quantity"
    till.keys(Keys.ARROW_DOWN)
    till.until(lambda: "Apel Fuji" in till.d.find_element(By.CSS_SELECTOR, "#dialog tr.selected").text)
    assert "ketik gram yang diretur (500 = 0,500 kg)" in till.text("rc-hint")
    till.keys("500")
    till.until(lambda: "0,500 kg" in till.d.find_element(By.CSS_SELECTOR, "#dialog tr.selected .tx-want").text)


def test_the_member_card_follows_the_sale_through_a_void_a_park_and_a_resume(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    a_member_the_store_knows(tmp_path)
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    attach_by_phone(till)

    # The sale voided (F5, F9, the manager approves): the next shopper's sale has no member, nor does the card.
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q")
    till.keys(Keys.F9)
    till.until(lambda: till.focused_id() == "appr-code")
    till.keys("9001", Keys.ENTER, "4321", Keys.ENTER)
    till.until(lambda: till.line_count() == 0 and till.focused_id() == "scan", "the sale is voided")
    till.scan(AQUA_600, 1)
    till.until(lambda: not till.shown("member-chip"), "no member of the voided sale on the next shopper's")

    # A member on a parked sale: gone while the next shopper pays, back when the parked sale is resumed.
    attach_by_phone(till)
    till.keys(Keys.F8)
    till.until(lambda: "Tunda transaksi ini" in till.text("dialog"), "the park dialog")
    till.keys("p")
    till.until(lambda: till.line_count() == 0 and not till.shown("member-chip"), "parked: the card goes with it")
    till.scan(POCARI, 1)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"))
    assert not till.shown("member-chip")
    till.keys(Keys.F8)
    till.until(lambda: "Rp 4.500" in till.text("parked"))
    till.keys(Keys.ENTER)
    till.until(lambda: till.line_count() == 1 and till.text("total") == "Rp 4.500", "the parked sale is back")
    till.until(lambda: till.shown("member-chip") and "Budi Santoso" in till.text("member-chip"), "with its member")


def test_the_member_card_speaks_the_language_the_till_was_switched_to(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    a_member_the_store_knows(tmp_path)
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    attach_by_phone(till)
    assert "40 poin" in till.text("member-chip") and "Transaksi ini: +0 poin" in till.text("member-chip")
    till.d.find_element(By.ID, "lang-toggle").click()
    till.until(lambda: till.text("scan-label") == "SCAN", "the till speaks English")
    till.until(lambda: "40 points" in till.text("member-chip"), "the card too")
    assert "This sale: +0 points" in till.text("member-chip") and "Transaksi" not in till.text("member-chip")
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel") and "Points earned: +0" in till.text("member-chip"))
    till.d.find_element(By.ID, "lang-toggle").click()
    till.until(lambda: "Poin didapat: +0" in till.text("member-chip"), "and back in Indonesian after the sale")
    assert "Saldo baru: 40 poin" in till.text("member-chip")


def test_a_line_or_pay_key_on_the_paid_screen_says_the_sale_is_paid(store_server: Any, browser: Any) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"))
    for key in (Keys.F9, Keys.F4, Keys.F6, Keys.F12):  # not "select a line with ↑↓", which the paid screen cannot do
        till.d.execute_script("document.getElementById('message').textContent = ''")
        till.keys(key)
        till.until(lambda: "sudah dibayar" in till.text("message"), "the key says the sale is paid")
        assert "Pindai barang berikutnya" in till.text("message") and "↑↓" not in till.text("message")
        assert till.shown("paid-panel") and not till.shown("modal") and till.focused_id() == "scan"
    till.keys(AQUA_600, Keys.ENTER)  # the next scan starts the next sale, as the message says
    # (the paid sale had one line too: wait for the new sale's own line, not a line count the old one met)
    till.until(lambda: not till.shown("paid-panel") and till.line_names() == ["Air Mineral Aqua 600ml"], "next sale")


def test_f4_and_f12_pressed_right_after_a_scan_on_a_slow_network_work_on_the_item_just_scanned(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    # Each request takes a while (a busy store server, a till on Wi-Fi): the keys come before the scan's answer.
    till.d.execute_cdp_cmd("Network.enable", {})
    slow = {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1}
    till.d.execute_cdp_cmd("Network.emulateNetworkConditions", slow)
    till.keys(AQUA_600, Keys.ENTER, Keys.F4)
    till.until(lambda: till.focused_id() == "qty-value", "the quantity dialog")
    assert "Air Mineral Aqua 600ml" in till.text("dialog"), "F4 names the item just scanned, not the one before"
    till.keys(Keys.BACKSPACE, "3", Keys.ENTER)
    till.until(lambda: till.text("total") == "Rp 17.000", "3 x Rp 4.500 + Rp 3.500")
    assert [e.text for e in till.d.find_elements(By.CSS_SELECTOR, "#lines .c-qty")] == ["1", "3"]
    till.keys(POCARI, Keys.ENTER, Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    assert "Rp 24.500" in till.text("dialog"), "F12 asks for the total with the item just scanned"


def test_a_rupiah_discount_over_the_price_is_refused_at_the_till_before_a_manager_is_asked(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)
    till.keys(Keys.F6)
    till.until(lambda: till.focused_id() == "disc-value")
    till.keys("r", "10000", Keys.ENTER)  # Rp 10.000 off a Rp 3.500 line: a typo, not a discount to approve
    till.until(lambda: "paling banyak Rp 3.500" in till.text("dialog"), "the dialog says the most it can be")
    assert not till.d.find_elements(By.ID, "appr-code"), "no manager is asked for an impossible discount"
    assert till.focused_id() == "disc-value"
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan")
    assert till.text("total") == "Rp 3.500"
