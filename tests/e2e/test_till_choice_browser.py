"""Which till a PC is: chosen once on the sign-in card of a store with two tills, kept on the PC, and the sales it
rings carry that till's receipt numbers."""

from __future__ import annotations

import re
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_till_browser import INDOMIE_SOTO, Till


def _chooser(till: Till) -> dict[str, str]:
    """The sign-in card's till buttons: their label and whether each is pressed."""
    return {
        b.text: str(b.get_attribute("aria-pressed"))
        for b in till.d.find_elements(By.CSS_SELECTOR, "#till-choice button")
        if b.is_displayed()
    }


def test_a_second_pc_is_made_till_t2_on_the_sign_in_card_keeps_it_and_rings_t2_receipts(
    store_server: Any, browser: Any
) -> None:
    till = Till(browser(), store_server)
    till.open()
    till.until(lambda: till.focused_id() == "signin-code", "the sign-in card")
    assert _chooser(till) == {"Kasir T1": "true", "Kasir T2": "false"}, "the store's two tills, T1 as the default"
    assert till.text("till-label") == "Kasir T1"

    till.d.find_element(By.CSS_SELECTOR, '#till-choice button[data-till="T2"]').click()
    assert _chooser(till) == {"Kasir T1": "false", "Kasir T2": "true"}
    assert till.text("till-label") == "Kasir T2"
    assert till.text("signin-msg") == "Komputer ini sekarang kasir T2."
    assert till.focused_id() == "signin-code", "the cashier types the code next, no extra step"

    till.d.find_element(By.ID, "lang-toggle").click()
    till.until(lambda: till.text("signin-msg") == "This computer is now till T2.", "the message follows the switch")
    assert _chooser(till) == {"Till T1": "false", "Till T2": "true"}
    till.d.find_element(By.ID, "lang-toggle").click()
    till.until(lambda: till.text("till-label") == "Kasir T2", "back in Bahasa")

    # Kept on the PC: a reload, and a link naming a till the store does not have, leave it T2.
    till.d.get(f"{store_server.url}/till?till=T9")
    till.until(lambda: till.focused_id() == "signin-code", "the sign-in card again")
    assert _chooser(till) == {"Kasir T1": "false", "Kasir T2": "true"}

    till.sign_in_and_open_shift()
    till.scan(INDOMIE_SOTO, 1)
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys(Keys.ENTER)  # exact cash
    till.until(lambda: till.shown("paid-panel"), "the paid screen")
    assert re.fullmatch(r"TOKO-01-T2-\d{6}", till.text("paid-number")), till.text("paid-number")
