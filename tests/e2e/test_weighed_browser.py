"""A cashier sells weighed goods without a mouse: a scale label scanned, a weighed item without a label weighed by
typing its weight (Esc cancels), and the receipt shows kg (issue 16 point 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_till_browser import RECEIPT, Till

from common.demo_data import ean13

APEL_LABEL = "2000103008451"  # a scale label: Apel Fuji (PLU 103), 0,845 kg at Rp 42.000/kg = Rp 35.490
BERAS = ean13(9_001)  # Beras Curah's shelf barcode: sold by weight, no label (Rp 14.000/kg)


def test_a_label_scan_and_a_typed_weight_by_keyboard_and_the_receipt_shows_kg(
    store_server: Any, browser: Any, screens: Path
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.count_pointer_presses()
    till.sign_in_and_open_shift()

    till.scan(APEL_LABEL, 1)
    row = till.d.find_element(By.CSS_SELECTOR, "#lines tr.selected")
    assert "0,845 kg" in row.text and "Rp 42.000/kg" in row.text and "Rp 35.490" in row.text

    # A weighed product without a label: the till asks its weight; Esc cancels and nothing is rung.
    till.keys(BERAS, Keys.ENTER)
    till.until(lambda: till.focused_id() == "weight-value", "the weight dialog takes the weight")
    assert "Beras Curah" in till.text("dialog")
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan" and not till.shown("modal"), "Esc cancels the weighing")
    assert till.line_count() == 1

    till.keys(BERAS, Keys.ENTER)
    till.until(lambda: till.focused_id() == "weight-value")
    till.keys("abc", Keys.ENTER)  # not a weight: said in the dialog, which stays
    till.until(lambda: "1,25" in till.d.find_element(By.CSS_SELECTOR, "#dialog .dialog-msg").text)
    till.keys(Keys.CONTROL, "a")
    till.keys("1,25")
    till.d.save_screenshot(str(screens / "till-weigh-id.png"))
    till.keys(Keys.ENTER)
    till.until(lambda: till.line_count() == 2 and till.focused_id() == "scan", "1,250 kg of rice is rung")
    row = till.d.find_element(By.CSS_SELECTOR, "#lines tr.selected")
    assert "1,250 kg" in row.text and "Rp 17.500" in row.text
    assert till.text("total") == "Rp 52.990"  # 35.490 + 17.500
    # F4 on a weighed line: no quantity dialog holding its grams ("1250"); the till says what to do instead.
    till.keys(Keys.F4)
    till.until(lambda: "timbang ulang" in till.text("message"), "F4 on a weighed line says to ring it again")
    assert not till.shown("modal") and till.focused_id() == "scan"
    till.d.save_screenshot(str(screens / "till-weighed-id.png"))

    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)  # exact cash
    till.until(lambda: till.shown("paid-panel"))
    number = till.text("paid-number")
    assert RECEIPT.match(number), number
    till.d.switch_to.frame(till.d.find_element(By.ID, "paid-receipt"))
    till.until(lambda: number in till.d.find_element(By.ID, "receipt").text, "the receipt shows beside the change")
    receipt = till.d.find_element(By.ID, "receipt").text
    till.d.switch_to.default_content()
    assert "0,845 kg x 42.000" in receipt and "1,250 kg x 14.000" in receipt, receipt

    # Half a kilo of the rice back from F5 Transaksi: grams typed on the line, shown in kg, Rp 7.000 back.
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q" and number in till.text("tx-list"))
    till.keys(number, Keys.ENTER)
    till.until(lambda: f"Struk {number}" in till.text("dialog"), "the receipt opens")
    assert "1,250 kg" in till.text("dialog") and "0,845 kg" in till.text("dialog")
    till.keys(Keys.ARROW_DOWN, "500")
    till.until(lambda: "0,500 kg" in till.d.find_element(By.CSS_SELECTOR, "#dialog tr.selected .tx-want").text)
    till.keys(Keys.ENTER)
    till.until(lambda: "Alasan retur" in till.text("dialog"), "the reason is asked")
    till.keys("4")  # past its expiry date
    till.until(lambda: till.d.find_elements(By.ID, "approve-q"))
    assert till.text("approve-q") == f"Retur Rp 7.000 pada struk {number} ke Tunai? Alasan: Kedaluwarsa."
    till.until(lambda: till.focused_id() == "appr-code")
    till.keys("9001", Keys.ENTER, "4321", Keys.ENTER)
    till.until(lambda: "Rp 7.000 dikembalikan (Tunai)" in till.text("message"))
    assert till.pointer_presses() == 0, "the whole sale and refund ran without a mouse"


def test_the_kiosk_price_check_shows_a_label_s_weight_and_price_and_no_add_to_cart(
    store_server: Any, browser: Any, screens: Path
) -> None:
    from test_kiosk_browser import Kiosk

    kiosk = Kiosk(browser(1280, 1024), store_server.kiosk_url())
    kiosk.scan(APEL_LABEL)
    kiosk.until(lambda: kiosk.screen() == "product" and "Rp 35.490" in kiosk.text("#product-price"))
    assert "0,845 kg × Rp 42.000/kg" in kiosk.text("#product-price")
    assert not kiosk.d.find_elements(By.ID, "product-add")  # weighed goods are rung at the till
    assert "kasir" in kiosk.text("#product-card .weigh-at-till")
    kiosk.d.save_screenshot(str(screens / "kiosk-label-id.png"))


def test_the_till_weighs_in_english_with_a_decimal_point(store_server: Any, browser: Any, screens: Path) -> None:
    till = Till(browser(1366, 768), store_server)
    till.d.get(f"{store_server.url}/till?lang=en")
    till.sign_in_and_open_shift()
    till.scan(APEL_LABEL, 1)
    till.keys(Keys.F2)  # found by name: the search lists its stock in kg and its price per kg
    till.until(lambda: till.focused_id() == "search-q")
    till.keys("beras curah")
    till.until(lambda: "Stock 150,000 kg" in till.selected_result(), "the whole name's results, Beras Curah first")
    assert "Rp 14.000/kg" in till.text("search-results")
    till.keys(Keys.ENTER)
    till.until(lambda: till.focused_id() == "weight-value", "the weight dialog takes the weight")
    assert "Weigh the item" in till.text("dialog") and "per kg" in till.text("dialog")
    till.keys("0.5")
    till.d.save_screenshot(str(screens / "till-weigh-en.png"))
    till.keys(Keys.ENTER)
    till.until(lambda: till.line_count() == 2 and till.focused_id() == "scan")
    rows = till.d.find_element(By.ID, "lines").text
    assert "0,845 kg" in rows and "0,500 kg" in rows and "Rp 7.000" in rows
    till.d.save_screenshot(str(screens / "till-weighed-en.png"))


def test_on_a_1024x768_till_the_last_item_breaks_at_the_times_sign_never_inside_the_price_per_kg(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(1024, 768), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(APEL_LABEL, 1)
    till.until(lambda: "42.000/kg" in till.text("last-price"))
    # Each part ("0,845 kg", "Rp 42.000/kg") is drawn on one line; the panel may break between them.
    parts = till.d.execute_script(
        "return [...document.querySelectorAll('#last-price .nb')].map((e) => "
        "[e.textContent, new Set([...e.getClientRects()].map((r) => Math.round(r.bottom))).size]);"
    )
    assert parts == [["0,845 kg", 1], ["Rp 42.000/kg", 1]]  # how many lines each part is drawn on
