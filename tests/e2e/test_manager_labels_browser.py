"""Shelf labels in a real browser: central's new price reaches the store, the manager prints the new label on a
sheet (its own tab, at the new price) and marks it put up; the list is empty after. A promotion starting tomorrow
is listed, and its labels print today at its price from tomorrow."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from servekit import clear_of_midnight
from service.test_promo_labels import local_day, local_midnight_in, promotion
from service.test_shelf_labels import AQUA_330, new_price
from test_manager_browser import Page, store_beside

# How long the promotion's part of the test may take, page loads included (each wait gives up after 20 s).
DAY_DEPENDENT = timedelta(minutes=2)


def test_a_manager_prints_the_new_label_of_a_changed_price_and_marks_it_put_up(
    store_server: Any, browser: Any, screens: Path, tmp_path: Path
) -> None:
    new_price(store_beside(tmp_path), AQUA_330, 4_000)
    manager = Page(browser(), store_server.url)
    manager.go("/manager/labels")
    manager.sign_in("9001", "4321")
    manager.until(lambda: manager.d.find_elements(By.ID, "labels"), "the labels to replace")
    row = manager.text(f"#labels tr[data-sku='{AQUA_330}']")
    assert "Rp 3.500" in row and "Rp 4.000" in row
    manager.screenshot(screens / "manager-labels.png")

    manager.el("#labels-print").click()
    manager.until(lambda: len(manager.d.window_handles) == 2, "the sheet opens in its own tab")
    list_tab, sheet_tab = manager.d.window_handles
    manager.d.switch_to.window(sheet_tab)
    manager.until(lambda: manager.d.find_elements(By.CSS_SELECTOR, f"#sheet .label[data-sku='{AQUA_330}']"), "sheet")
    label = manager.text(f"#sheet .label[data-sku='{AQUA_330}']")
    assert "Rp 4.000" in label and "Rp 3.500" not in label
    manager.d.save_screenshot(str(screens / "manager-labels-sheet.png"))
    manager.d.close()
    manager.d.switch_to.window(list_tab)

    manager.el("#labels-done").click()
    manager.until(lambda: manager.d.switch_to.alert, "marking them put up asks first").accept()
    manager.until(lambda: manager.d.find_elements(By.ID, "labels-none"), "nothing left to replace")
    assert "1 label ditandai sudah dipasang." in manager.flash()

    # Central's promotion from tomorrow: listed today, its labels printed today at its price (10% off Rp 4.000).
    # The store server counts its days by its own clock, which no config or variable sets: "tomorrow" is the test's
    # and the server's alike while neither passes midnight in Jakarta (17:00 UTC), so start well before it.
    now = clear_of_midnight(ZoneInfo("Asia/Jakarta"), DAY_DEPENDENT)
    promotion(store_beside(tmp_path), "besok", [AQUA_330], local_midnight_in(1, now), local_midnight_in(8, now))
    manager.go("/manager/labels")
    assert "mulai besok" in manager.text("#promos tr[data-promo='besok']")
    manager.screenshot(screens / "manager-labels-promos.png")
    manager.el("a[data-promo-print='besok']").click()
    manager.until(lambda: len(manager.d.window_handles) == 2, "the promotion's sheet opens in its own tab")
    manager.d.switch_to.window(manager.d.window_handles[1])
    manager.until(lambda: manager.d.find_elements(By.CSS_SELECTOR, f"#sheet .label[data-sku='{AQUA_330}']"), "sheet")
    label = manager.text(f"#sheet .label[data-sku='{AQUA_330}']")
    assert (
        "Rp 3.600" in label
        and "Rp 4.000" in label
        and f"mulai {local_day(1, now):%d/%m/%Y} s/d {local_day(7, now):%d/%m/%Y}" in label
    )
    manager.d.save_screenshot(str(screens / "manager-labels-promo-sheet.png"))
