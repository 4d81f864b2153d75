"""The till page refuses a payment above Rp 999.999.999.999, and cash that would give a banknote or more in change
(a barcode scanned into the cash field), with a message the cashier can read, and takes none."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_till_browser import AQUA_330, Till


def dialog_message(till: Till) -> str:
    return str(till.d.find_element(By.CSS_SELECTOR, "#dialog .dialog-msg").text)


def test_cash_given_above_the_maximum_or_giving_a_note_in_change_is_refused_and_no_payment_is_taken(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.scan(AQUA_330, 1)

    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog takes the cash given")
    till.keys("1000000000000", Keys.ENTER)  # Rp 1.000.000.000.000: one Rupiah past the maximum
    till.until(lambda: "Rp 999.999.999.999" in dialog_message(till), "the pay dialog says why")
    assert dialog_message(till).startswith("Jumlah terlalu besar")

    sale = store_server.api("POST", "/sales", till.token()).json()  # the till's open sale, as the server has it
    assert (sale["total"], sale["tenders"], sale["state"]) == (3500, [], "open")

    till.d.execute_script("document.getElementById('lang-toggle').click()")  # the EN button in the corner
    till.until(lambda: till.d.execute_script("return document.documentElement.lang") == "en", "English")
    till.d.execute_script("document.getElementById('pay-given').focus()")
    till.keys(Keys.ENTER)  # the cash given is still typed in
    till.until(lambda: dialog_message(till).startswith("That amount is too large"), "the same refusal in English")
    assert "Rp 999.999.999.999" in dialog_message(till)

    # An EAN-8 barcode scanned into the cash field by mistake: Rp 89.901.234 for a Rp 3.500 sale.
    till.d.execute_script("const f = document.getElementById('pay-given'); f.value = ''; f.focus()")
    till.keys("89901234", Keys.ENTER)
    till.until(lambda: "more than the largest note" in dialog_message(till), "the change is refused, in English")
    assert "Rp 89.901.234" in dialog_message(till) and "Rp 100.000" in dialog_message(till)
    sale = store_server.api("POST", "/sales", till.token()).json()
    assert (sale["tenders"], sale["state"]) == ([], "open")
