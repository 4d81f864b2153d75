"""Cash out of the drawer at the till, by keys only: a cashier drops cash to the safe with a manager's code and PIN
(F7, C, 1, the amount, the manager in place), then the X report shows the cash out and the expected cash."""

from __future__ import annotations

import re
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_till_browser import AQUA_330, Till


def test_a_cashier_drops_cash_to_the_safe_with_a_managers_pin_and_the_x_report_shows_it(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()  # float Rp 200.000
    till.scan(AQUA_330, 1)  # a sale under way: cash waits until it is paid
    till.keys(Keys.F7)
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, '#dialog [data-k="c"]'), "the shift menu offers cash")
    till.keys("c")
    till.until(lambda: "Selesaikan atau tunda" in till.text("dialog"), "not with a sale under way")
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan")
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)  # exact cash: Rp 3.500 into the drawer
    till.until(lambda: till.shown("paid-panel"), "paid")

    till.count_pointer_presses()
    till.keys(Keys.F7)
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, '#dialog [data-k="c"]'))
    till.keys("c")
    till.until(lambda: "Rp 203.500" in till.text("cash-drawer"), "the reasons, with what the drawer should hold")
    till.keys("1")  # Setor ke brankas
    till.until(lambda: till.focused_id() == "cash-amount", "the amount")
    till.keys("250000", Keys.ENTER)  # more than the drawer holds: said before a manager is called
    till.until(lambda: "Rp 203.500" in till.text("dialog") and "Rp 250.000" in till.text("dialog"))
    till.keys(Keys.BACKSPACE * 6, "150000", Keys.ENTER)
    till.until(lambda: till.focused_id() == "appr-code", "the manager approves in place")
    assert "Setor ke brankas: ambil Rp 150.000 dari laci T1?" in till.text("approve-q")
    till.keys("1002", Keys.ENTER, "2345", Keys.ENTER)  # a cashier's PIN approves nothing
    till.until(lambda: "bukan manajer" in till.text("dialog"), "a cashier cannot approve")
    till.keys(Keys.SHIFT + Keys.TAB)  # back from the PIN to the code
    till.until(lambda: till.focused_id() == "appr-code")
    till.keys(Keys.BACKSPACE * 4, "9001", Keys.ENTER, "4321", Keys.ENTER)
    till.until(lambda: till.shown("modal") is False and till.focused_id() == "scan", "back to the scan field")
    assert "Kas keluar Rp 150.000 dicatat (Setor ke brankas)" in till.text("message")
    assert "Rp 53.500" in till.text("message")

    till.keys(Keys.F7)
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, '#dialog [data-k="x"]'))
    till.keys("x")
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, "#dialog table.report"), "the X report")
    report = till.text("dialog")
    assert re.search(r"Kas keluar\s+-Rp 150\.000", report), report
    assert re.search(r"Setor ke brankas\s+-Rp 150\.000", report), report
    assert re.search(r"Kas masuk\s+Rp 0", report), report
    # 200.000 float + 3.500 cash sold - 150.000 to the safe
    assert re.search(r"Tunai seharusnya di laci\s+Rp 53\.500", report), report
    assert till.pointer_presses() == 0
