"""The screens people read, in both languages, in a real browser: the till's sale, paid panel and Transaksi list,
a refund's approval naming the act and amount, and the manager's audit log and stock; each page free of ids, ISO
times and codes. Screenshots go to the `screens` folder (docs/screens/ with `make screens`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_manager_browser import Page
from test_till_browser import AQUA_330, POCARI, Till
from valuecheck import internal_values

MANAGER = ("9001", "4321")


def _sell(till: Till, *scans: str) -> str:
    for i, code in enumerate(scans, start=1):
        till.keys(code, Keys.ENTER)
        till.until(lambda i=i: till.line_count() == i, f"line {i}")
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "paid")
    return till.text("paid-number")


def test_the_till_and_manager_screens_in_both_languages_show_people_values(
    store_server: Any, browser: Any, screens: Path
) -> None:
    till = Till(browser(1366, 768), store_server)
    till.d.get(f"{store_server.url}/till?lang=en")
    till.sign_in_and_open_shift()
    till.keys(AQUA_330, Keys.ENTER)
    till.until(lambda: till.line_count() == 1, "one line")
    till.keys(POCARI, Keys.ENTER)
    till.until(lambda: till.line_count() == 2, "two lines")
    # The clock is the store's (WIB), not the PC's (this browser runs on UTC).
    jakarta = ZoneInfo("Asia/Jakarta")
    near = {(datetime.now(jakarta) + timedelta(minutes=m)).strftime("%d/%m/%Y %H:%M") for m in (-1, 0, 1)}
    assert till.text("clock") in near, (till.text("clock"), near)
    till.d.save_screenshot(str(screens / "till-sale-en.png"))
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given", "the pay dialog")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "paid")
    first = till.text("paid-number")
    till.d.save_screenshot(str(screens / "till-paid-en.png"))
    second = _sell(till, POCARI)

    # F5 Transaksi: the shift's receipts; one opened, a line given back with the manager's approval.
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q" and first in till.text("tx-list"), "the shift's receipts")
    assert second in till.text("tx-list")
    till.d.save_screenshot(str(screens / "till-transactions-en.png"))
    till.keys(first, Keys.ENTER)
    till.until(lambda: f"Receipt {first}" in till.text("dialog"), "the receipt opens")
    till.keys("1", Keys.ENTER)
    till.until(lambda: "Reason for the refund" in till.text("dialog"), "the cashier says why")
    till.d.save_screenshot(str(screens / "till-refund-reason-en.png"))
    till.keys("1")
    till.until(lambda: till.d.find_elements(By.ID, "approve-q"), "the manager is asked")
    assert till.text("approve-q").startswith("Refund Rp 3.500") and first in till.text("approve-q")
    assert till.text("approve-q").endswith("Reason: Damaged or faulty.")
    till.d.save_screenshot(str(screens / "till-refund-approval-en.png"))
    till.until(lambda: till.focused_id() == "appr-code", "the approval takes the manager's code")
    till.keys(MANAGER[0], Keys.ENTER, MANAGER[1], Keys.ENTER)
    till.until(lambda: "Rp 3.500" in till.text("message"), "refunded")

    # The same in Indonesian.
    till.d.get(f"{store_server.url}/till?lang=id")
    till.until(lambda: till.shown("screen-sale") or till.focused_id() == "signin-code", "the till again")
    if till.focused_id() == "signin-code":
        till.keys("1001", Keys.ENTER, "1234", Keys.ENTER)
        till.until(lambda: till.shown("screen-sale"), "signed in again")
    till.until(lambda: till.focused_id() == "scan", "scan focused")
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q" and first in till.text("tx-list"), "Transaksi")
    till.d.save_screenshot(str(screens / "till-transactions.png"))
    till.keys(second, Keys.ENTER)
    till.until(lambda: f"Struk {second}" in till.text("dialog"), "the receipt opens")
    till.keys("a", Keys.ENTER)
    till.until(lambda: "Alasan retur" in till.text("dialog"), "the reason is asked")
    till.keys("3")
    till.until(lambda: till.d.find_elements(By.ID, "approve-q"), "the manager is asked")
    assert till.text("approve-q") == f"Retur Rp 7.500 pada struk {second} ke Tunai? Alasan: Pembeli berubah pikiran."
    till.d.save_screenshot(str(screens / "till-refund-approval.png"))

    # The manager reads the day in sentences: the refund by receipt number, Rupiah, the approver by name.
    page = Page(browser(), store_server.url)
    page.go("/manager/sign-in")
    page.until(lambda: page.focused() == "staff_code", "the sign-in form")
    page.sign_in(*MANAGER)
    page.until(lambda: "/manager/sign-in" not in page.d.current_url, "signed in")
    for lang, suffix, said in (("id", "", f"dari struk {first}"), ("en", "-en", f"on receipt {first}")):
        page.go(f"/manager/audit?lang={lang}")
        page.until(lambda said=said: said in page.text("main"), f"the audit log in {lang}")
        assert "Rp 3.500" in page.text("main") and "Dewi Lestari (9001)" in page.text("main")
        assert not internal_values(page.d.page_source), internal_values(page.d.page_source)
        page.screenshot(screens / f"manager-audit{suffix}.png")
    page.go("/manager/stock?lang=en")
    page.until(lambda: "Drinks" in page.text("main"), "categories by name, in English")
    assert not internal_values(page.d.page_source)
    page.screenshot(screens / "manager-stock-en.png")
