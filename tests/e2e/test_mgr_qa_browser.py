"""The manager's acts that cannot be taken back ask first, in a real browser: cancelling a paid online order,
revoking a kiosk, turning a staff code off. Saying no leaves everything as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from test_manager_browser import Page, store_beside
from test_online_orders_browser import feed_order

from pos.services import kiosk_devices


def asked(page: Page, click_css: str) -> str:
    """Click, read the question the browser asks, and say no."""
    page.el(click_css).click()
    alert = page.until(lambda: page.d.switch_to.alert, f"{click_css} asks first")
    question = str(alert.text)
    alert.dismiss()
    return question


def test_cancelling_an_order_revoking_a_kiosk_and_turning_a_code_off_each_ask_first(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    ctx = store_beside(tmp_path)
    order_id = feed_order(ctx, "OT-K7Q42P-1", "K7Q-42P", [("SKU-00002", "Air Mineral Aqua 600ml", 2, 4_500)], "packed")
    kiosk_devices.pair(ctx, kiosk_devices.new_pairing_code(ctx, "test")["code"], "kios-pintu-depan")
    page = Page(browser(1024, 768), store_server.url)
    page.go(f"/manager/orders/{order_id}")
    page.sign_in("9001", "4321")
    page.until(lambda: page.d.find_elements(By.ID, "cancel-form"), "the order's page")
    page.el("#cancel-form input[name=reason]").send_keys("freezer rusak")
    question = asked(page, "#cancel-form button")
    assert question.startswith("Batalkan pesanan OT-K7Q42P-1? Pembeli menerima kembali Rp 9.000"), question
    assert page.el("#order-status").get_attribute("data-status") == "packed"
    assert page.el("#cancel-form input[name=reason]").get_attribute("value") == "freezer rusak"

    page.go("/manager/kiosks?lang=en")
    question = asked(page, "#kiosks button")
    assert question.startswith("Revoke kiosk kios-pintu-depan?"), question
    assert "Active" in page.text("#kiosks")

    page.go("/manager/staff?lang=id")
    question = asked(page, "#staff-1001 form[action$='/active'] button")
    assert question.startswith("Nonaktifkan Siti Rahayu (1001)?"), question
    assert page.el("#staff-1001").get_attribute("data-active") == "yes"


def sideways(page: Page) -> list[str]:
    """Tables on the page wider than their box: columns a manager would have to scroll sideways to see."""
    return list(
        page.d.execute_script(
            "return [...document.querySelectorAll('.scroll, table')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 2)"
            ".map(e => (e.closest('section') || e).id + ' ' + e.scrollWidth + '>' + e.clientWidth);"
        )
    )


def test_at_1024_wide_the_wide_tables_fit_so_the_drawer_difference_and_other_stores_show(
    store_server: Any, browser: Any
) -> None:
    token = store_server.api("POST", "/session", json={"staff_code": "1001", "pin": "1234", "till_id": "T1"}).json()
    token = token["token"]
    assert store_server.api("POST", "/shifts", token, json={"opening_float": 200_000}).status_code == 201
    assert store_server.api("POST", "/shifts/current/close", token, json={"counted_cash": 191_000}).status_code == 200
    page = Page(browser(1024, 768), store_server.url)
    page.go("/manager/shifts")
    page.sign_in("9001", "4321")
    page.until(lambda: page.d.find_elements(By.ID, "tbl-shifts"), "the shifts are listed")
    for path in ("/manager/shifts", "/manager/stock", "/manager/audit", "/manager/shifts?lang=en", "/manager/stock"):
        page.go(path)
        page.until(lambda: page.d.find_elements(By.CSS_SELECTOR, "table.grid"), f"{path} shows its table")
        assert sideways(page) == [], path
    page.go("/manager/shifts?lang=id")
    difference = page.d.find_elements(By.CSS_SELECTOR, "#tbl-shifts td")[-1]
    assert difference.text == "-Rp 9.000" and difference.rect["x"] + difference.rect["width"] <= 1024
