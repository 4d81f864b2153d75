"""What a cashier and a shopper noticed on the store floor (QA in Chromium): a barcode scanned into the quantity
dialog, and the customer display while a sale is paid in parts."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_till_browser import AQUA_330, AQUA_600, Till


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
