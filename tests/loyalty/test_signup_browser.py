"""Headless Chromium: a shopper signs up at the kiosk with the on-screen keyboard; a cashier signs up a shopper
whose phone number has no member yet from the till's F3 panel, and the new member is on the sale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from e2e.conftest import browser, browser_pool, demo_store_db, screens, store_server  # noqa: F401 - tests/e2e fixtures
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from synckit import CentralHarness
from test_loyalty_browser import central_online, waiter  # noqa: F401 - the central store the store server uses

from central.services import loyalty as central_loyalty

AQUA_330 = "8990000100010"  # Rp 3.500


def tap(d: Any, keyboard: str, text: str) -> None:
    for ch in text:
        code = "space" if ch == " " else ch.upper()
        d.find_element(By.CSS_SELECTOR, f"#{keyboard} [data-key='{code}']").click()


def test_a_shopper_signs_up_at_the_kiosk_and_sees_0_points(
    central_online: CentralHarness, store_server: Any, browser: Any, screens: Path
) -> None:
    d = browser(1080, 1500)
    store_server.open_kiosk(d)
    w = waiter(d)
    w.until(lambda _d: "ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    d.find_element(By.ID, "tile-points").click()
    w.until(lambda _d: d.find_element(By.ID, "signup-open").is_displayed())
    d.find_element(By.ID, "signup-open").click()
    tap(d, "signup-keyboard-name", "Rina Wati")
    d.find_element(By.ID, "signup-send").click()
    w.until(lambda _d: d.find_element(By.ID, "signup-message").is_displayed(), "a missing phone is asked for")
    assert "nomor HP" in d.find_element(By.ID, "signup-message").text
    tap(d, "signup-keyboard-phone", "081344440202")
    d.save_screenshot(str(screens / "kiosk-signup.png"))
    d.find_element(By.ID, "signup-send").click()
    w.until(lambda _d: d.find_element(By.ID, "points-result").is_displayed(), "the new member is shown")
    assert d.find_element(By.ID, "points-balance").text == "0 poin"
    assert d.find_element(By.ID, "points-name").text.startswith("RI** WA**")
    assert central_loyalty.lookup(central_online.ctx, phone="081344440202")["name"] == "RINA WATI"

    # The next shopper, the same number again: already a member. (With a member on screen the kiosk offers no
    # sign-up: the next shopper starts the points screen afresh.)
    assert not d.find_element(By.ID, "signup-open").is_displayed()
    d.refresh()
    w.until(lambda _d: "ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    d.find_element(By.ID, "tile-points").click()
    w.until(lambda _d: d.find_element(By.ID, "signup-open").is_displayed())
    d.find_element(By.ID, "signup-open").click()
    tap(d, "signup-keyboard-name", "Rina")
    d.find_element(By.ID, "signup-phone").click()
    tap(d, "signup-keyboard-phone", "081344440202")
    d.find_element(By.ID, "signup-send").click()
    w.until(lambda _d: "sudah terdaftar" in d.find_element(By.ID, "signup-message").text)


def test_the_till_signs_up_a_shopper_whose_phone_has_no_member_and_attaches_them(
    central_online: CentralHarness, store_server: Any, browser: Any
) -> None:
    d = browser(1440, 900)
    d.get(f"{store_server.url}/till")
    w = waiter(d)

    def keys(*k: str) -> None:
        d.switch_to.active_element.send_keys(*k)

    def focused() -> str:
        return d.switch_to.active_element.get_attribute("id") or ""

    w.until(lambda _d: focused() == "signin-code")
    keys("1001", Keys.ENTER)
    w.until(lambda _d: focused() == "signin-pin")
    keys("1234", Keys.ENTER)
    w.until(lambda _d: focused() == "float-amount")
    keys("200000", Keys.ENTER)
    w.until(lambda _d: focused() == "scan")
    keys("8*" + AQUA_330, Keys.ENTER)
    w.until(lambda _d: d.find_element(By.ID, "total").text == "Rp 28.000")
    keys(Keys.F3)
    w.until(lambda _d: focused() == "member-input")
    keys("0813 4444 0303", Keys.ENTER)
    w.until(lambda _d: focused() == "member-signup", "an unknown phone number offers a sign-up")
    assert "Belum ada member" in d.find_element(By.ID, "member-msg").text
    keys(Keys.ENTER)
    w.until(
        lambda _d: focused() == "member-input" and d.find_element(By.ID, "member-input").get_attribute("value") == ""
    )
    keys("Joko Widodo", Keys.ENTER)
    chip = lambda: d.find_element(By.ID, "member-chip")  # noqa: E731
    w.until(lambda _d: chip().is_displayed() and "Joko Widodo" in chip().text, "the new member is on the sale")
    assert "0 poin" in chip().text and "+2 poin" in chip().text
