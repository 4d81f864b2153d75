"""A new cashier's first day, in a real browser: the manager adds them on the Staff screen with a PIN typed twice,
and the new code and PIN open a shift at the till straight away; turned off, the code is refused at the till."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_manager_browser import Page
from test_till_browser import Till


def test_a_manager_adds_a_cashier_who_opens_a_shift_at_the_till_at_once(
    store_server: Any, browser: Any, screens: Path
) -> None:
    manager = Page(browser(), store_server.url)
    manager.go("/manager/staff")
    manager.sign_in("9001", "4321")
    manager.until(lambda: manager.d.find_elements(By.ID, "add-staff"), "the staff screen")
    for field, value in (("staff-code", "1010"), ("staff-name", "Rina Wati"), ("staff-pin", "5566")):
        manager.el(f"#{field}").send_keys(value)
    manager.el("#staff-pin-again").send_keys("5566", Keys.ENTER)
    manager.until(lambda: "Rina Wati" in manager.flash(), "the screen says who was added")
    assert manager.flash().endswith("Kasir Rina Wati ditambahkan dengan kode 1010.")
    assert manager.el("#staff-1010").get_attribute("data-active") == "yes"
    manager.screenshot(screens / "manager-staff.png")

    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift("1010", "5566", "150000")
    assert "Rina Wati" in till.d.find_element(By.TAG_NAME, "body").text

    manager.go("/manager/staff")
    manager.el("#staff-1010 form[action$='/active'] button").click()
    manager.until(lambda: manager.d.switch_to.alert, "turning a code off asks first").accept()
    manager.until(lambda: manager.el("#staff-1010").get_attribute("data-active") == "no", "turned off")
    till.open()
    till.until(lambda: till.focused_id() == "signin-code", "the till asks who signs in again")
    till.keys("1010", Keys.ENTER)
    till.until(lambda: till.focused_id() == "signin-pin", "Enter moves to the PIN")
    till.keys("5566", Keys.ENTER)
    till.until(lambda: till.d.find_element(By.ID, "signin-msg").text.strip(), "the till refuses the code")
