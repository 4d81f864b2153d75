"""Headless Chromium against the real store server (a subprocess) connected to a real central store (HTTP on
127.0.0.1): the kiosk shows a member's balance after a scan; the till attaches a member and shows points earned."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.conftest import browser, browser_pool, demo_store_db, screens, store_server  # noqa: F401 - tests/e2e fixtures
from loyaltykit import new_member, use_test_key
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from synckit import CentralHarness, Faults, central_config, start_server

from central.db import central_database
from central.migrate import upgrade
from central.services import demo, spend_codes, stores
from central.services import loyalty as central_loyalty
from central.services.context import CentralContext
from central.web.app import create_central_app

WAIT = 20  # how long the page may take to get there; never a timing assert
AQUA_330 = "8990000100010"  # Rp 3.500
AQUA_600 = "8990000100027"  # Rp 4.500


@pytest.fixture
def central_online(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CentralHarness]:
    """A central store (SQLite) on a free port; the store server started after this fixture talks to it."""
    url = f"sqlite:///{tmp_path / 'central.db'}"
    upgrade(url)
    cfg = central_config(url)
    ctx = CentralContext(db=central_database(url), config=cfg)
    demo.load(ctx, products_limit=40)
    token = stores.add_store(ctx, "TOKO-01", "Omnitoko Kemang")
    app = create_central_app(cfg, db=ctx.db)
    app.extensions["omnitoko_central"] = ctx
    server, thread, base = start_server(app)
    harness = CentralHarness(ctx=ctx, url=base, token=token, faults=Faults(app.wsgi_app), backend="sqlite")
    use_test_key(harness)
    monkeypatch.setenv("OMNITOKO_SYNC__CENTRAL_URL", base)
    monkeypatch.setenv("OMNITOKO_SYNC__TOKEN", token)
    # A loaded test machine may take more than the 2 s a till waits; this test is about the screens.
    monkeypatch.setenv("OMNITOKO_LOYALTY__CENTRAL_TIMEOUT_SECONDS", "10")
    yield harness
    server.shutdown()
    thread.join(timeout=5)
    ctx.db.dispose()


def waiter(driver: Any) -> WebDriverWait:
    return WebDriverWait(
        driver, WAIT, poll_frequency=0.05, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
    )


def member_with_history(central: CentralHarness) -> dict[str, Any]:
    m = new_member(central, points=0, name="Siti Rahmawati", phone="0813" + str(uuid.uuid4().int)[:8])
    central_loyalty.adjust(central.ctx, m["id"], 150, "welcome bonus")
    with central.ctx.db.unit_of_work() as s:
        for pts in (4, 2, 7):
            central_loyalty.add_entry(s, central.ctx, m["id"], "earn", pts, store_id="TOKO-01", note="sale")
    return central_loyalty.lookup(central.ctx, member_id=m["id"])


def test_the_kiosk_shows_the_balance_and_last_entries_after_a_member_qr_scan(
    central_online: CentralHarness, store_server: Any, browser: Any, screens: Path
) -> None:
    m = member_with_history(central_online)
    with central_online.ctx.db.unit_of_work() as s:  # and an order paid online, the newest entry
        central_loyalty.add_entry(s, central_online.ctx, m["id"], "earn", 5, store_id="ONLINE", note="online order")
    d = browser(1080, 1500)  # a portrait kiosk screen
    store_server.open_kiosk(d)
    w = waiter(d)
    w.until(lambda _d: "ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    d.find_element(By.ID, "tile-points").click()
    w.until(lambda _d: d.find_element(By.ID, "screen-points").is_displayed())
    d.find_element(By.TAG_NAME, "body").send_keys(m["card"], Keys.ENTER)  # a wedge scanner types the QR's text
    w.until(lambda _d: d.find_element(By.ID, "points-result").is_displayed(), "the balance is shown")
    assert d.find_element(By.ID, "points-balance").text == "168 poin"
    assert d.find_element(By.ID, "points-name").text.startswith("Si** Ra******* · 70")
    rows = d.find_elements(By.CSS_SELECTOR, "#points-entries tbody tr")
    assert len(rows) == 5 and rows[0].text.endswith("+5")
    where = [r.find_elements(By.TAG_NAME, "td")[2].text for r in rows]  # names and words, never TOKO-01 or "online"
    assert where == ["Toko online"] + ["Omnitoko Kemang"] * 3 + ["Kantor pusat"], where
    d.save_screenshot(str(screens / "kiosk-points.png"))
    forged = m["card"][:-3] + ("AAA" if not m["card"].endswith("AAA") else "BBB")
    d.find_element(By.TAG_NAME, "body").send_keys(forged, Keys.ENTER)
    w.until(lambda _d: d.find_element(By.ID, "points-message").is_displayed(), "a forged QR is refused")
    assert "tidak asli" in d.find_element(By.ID, "points-message").text


def till_with_member(browser: Any, store_server: Any, m: dict[str, Any], scan: str, total: str) -> Any:
    """A signed-in till with `scan` rung up (the total shown) and the member attached by phone with F3."""
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
    keys(scan, Keys.ENTER)
    w.until(lambda _d: d.find_element(By.ID, "total").text == total)
    keys(Keys.F3)
    w.until(lambda _d: focused() == "member-input", "F3 opens the member panel")
    keys("0" + m["phone"][2:], Keys.ENTER)
    chip = lambda: d.find_element(By.ID, "member-chip")  # noqa: E731
    w.until(lambda _d: chip().is_displayed() and "Siti Rahmawati" in chip().text, "the member is on the sale")
    return d, w, keys, focused, chip


def test_the_till_attaches_a_member_by_phone_and_shows_the_points_earned(
    central_online: CentralHarness, store_server: Any, browser: Any, screens: Path
) -> None:
    m = member_with_history(central_online)
    d, w, keys, focused, chip = till_with_member(browser, store_server, m, "8*" + AQUA_330, "Rp 28.000")
    assert "163 poin" in chip().text and "+2 poin" in chip().text
    w.until(lambda _d: focused() == "scan")
    keys(Keys.F12)
    w.until(lambda _d: focused() == "pay-given")
    keys(Keys.ENTER)  # exact cash
    w.until(lambda _d: "Poin didapat: +2" in chip().text, "the points earned are shown after the sale")
    assert "Saldo baru: 165 poin" in chip().text
    d.save_screenshot(str(screens / "till-member.png"))


def test_the_customer_display_shows_the_member_masked_with_the_points_and_the_points_earned(
    central_online: CentralHarness, store_server: Any, browser: Any
) -> None:
    m = member_with_history(central_online)  # 163 points; a point for each Rp 10.000
    d, w, keys, focused, chip = till_with_member(browser, store_server, m, "8*" + AQUA_330, "Rp 28.000")
    shown = browser(1366, 768)  # the display joins with the member already on the sale
    shown.get(f"{store_server.url}/display/T1")
    text = lambda i: shown.find_element(By.ID, i).text  # noqa: E731
    waiter(shown).until(lambda _d: shown.find_element(By.ID, "d-member").is_displayed(), "the member on the display")
    assert (text("d-member-name"), text("d-member-points")) == ("Si** Ra*******", "163 poin · +2 poin dari belanja ini")
    body = shown.find_element(By.TAG_NAME, "body").text
    assert m["number"] not in body and m["phone"][-8:] not in body  # never the member's number or phone
    w.until(lambda _d: focused() == "scan")
    keys(Keys.F12)
    w.until(lambda _d: focused() == "pay-given")
    keys(Keys.ENTER)  # exact cash
    waiter(shown).until(
        lambda _d: shown.find_element(By.ID, "d-t-points").is_displayed(), "the points on the thank-you"
    )
    assert text("d-t-points") == "Si** Ra******* · Poin didapat +2 · Saldo 165 poin"


def test_points_that_pay_the_whole_sale_finish_it_like_a_last_payment(
    central_online: CentralHarness, store_server: Any, browser: Any
) -> None:
    m = member_with_history(central_online)  # 163 points, Rp 100 each
    d, w, keys, focused, chip = till_with_member(browser, store_server, m, "2*" + AQUA_330, "Rp 7.000")
    w.until(lambda _d: focused() == "scan")
    keys(Keys.F3)  # again: found by phone, so the panel asks for the member's own QR before any points
    w.until(
        lambda _d: (
            focused() == "member-input" and d.find_element(By.ID, "member-input").get_attribute("data-mode") == "member"
        )
    )
    assert "pindai QR member" in d.find_element(By.ID, "member-panel").text
    keys(m["card"], Keys.ENTER)  # the member shows the QR on their phone
    w.until(lambda _d: focused() == "scan", "the member is on the sale by QR")
    keys(Keys.F3)  # with the member attached by QR: points to use
    w.until(
        lambda _d: (
            focused() == "member-input" and d.find_element(By.ID, "member-input").get_attribute("data-mode") == "points"
        )
    )
    keys(Keys.ENTER)  # empty: as many as the sale needs (70 points)
    w.until(lambda _d: d.find_element(By.ID, "paid-panel").is_displayed(), "the sale completes and shows as paid")
    number = d.find_element(By.ID, "paid-number").text
    assert f"/receipts/{number}/" in d.find_element(By.ID, "paid-receipt").get_attribute("src")
    w.until(lambda _d: "Saldo baru: 93 poin" in chip().text, "the new balance after 70 points")


def test_the_one_time_code_asks_how_many_points_before_any_are_used(
    central_online: CentralHarness, store_server: Any, browser: Any
) -> None:
    """A member found by phone types the one-time code from their account page: the till then asks how many points,
    as after their QR; the code alone spends nothing and finishes nothing."""
    m = member_with_history(central_online)  # 163 points, Rp 100 each
    d, w, keys, focused, chip = till_with_member(browser, store_server, m, "2*" + AQUA_330, "Rp 7.000")
    w.until(lambda _d: focused() == "scan")
    keys(Keys.F3)  # found by phone: the member's QR or their one-time code
    w.until(lambda _d: d.find_element(By.ID, "member-input").get_attribute("data-mode") == "member")
    code = spend_codes.new_code(central_online.ctx, m["id"])["code"]
    keys(code, Keys.ENTER)
    w.until(
        lambda _d: (
            focused() == "member-input" and d.find_element(By.ID, "member-input").get_attribute("data-mode") == "points"
        ),
        "the code asks how many points",
    )
    assert "Pakai poin" in d.find_element(By.ID, "member-panel").text
    assert not d.find_element(By.ID, "row-paid").is_displayed(), "nothing is paid by the code alone"
    assert not d.find_element(By.ID, "paid-panel").is_displayed(), "nor is the sale finished"
    keys("20", Keys.ENTER)  # 20 points: Rp 2.000, with the code
    w.until(
        lambda _d: focused() == "scan" and d.find_element(By.ID, "remaining").text == "Rp 5.000",
        "20 points paid, the rest still to pay",
    )
    assert central_loyalty.lookup(central_online.ctx, member_id=m["id"])["balance"] == 163  # held, spent at the sale
    # The till's card and the customer display show what is left to spend, not the balance before the 20 points.
    w.until(lambda _d: "143 poin tersisa (20 dipakai)" in chip().text, "the card shows the points left")
    shown = browser(1366, 768)
    shown.get(f"{store_server.url}/display/T1")
    waiter(shown).until(lambda _d: shown.find_element(By.ID, "d-member").is_displayed(), "the member on the display")
    assert (
        shown.find_element(By.ID, "d-member-points").text == "143 poin tersisa (20 dipakai) · +0 poin dari belanja ini"
    )


def test_points_used_while_a_scan_is_still_answered_stay_on_the_screen(
    central_online: CentralHarness, store_server: Any, browser: Any
) -> None:
    """Points used right after a scan whose answer is slow: the points wait behind the scan in the till's one queue,
    so the scan's late answer cannot draw the sale without the points over the points' answer."""
    from e2e.pagekit import hold_back

    m = member_with_history(central_online)  # 163 points, Rp 100 each
    d, w, keys, focused, chip = till_with_member(browser, store_server, m, "2*" + AQUA_330, "Rp 7.000")
    w.until(lambda _d: focused() == "scan")
    keys(Keys.F3)  # found by phone: the member's own QR first
    w.until(lambda _d: d.find_element(By.ID, "member-input").get_attribute("data-mode") == "member")
    keys(m["card"], Keys.ENTER)
    w.until(lambda _d: focused() == "scan", "the member is on the sale by QR")

    hold_back(d, "/lines", sent=True)  # the scan reaches the server at once; its answer comes a second late
    keys(AQUA_600, Keys.ENTER)
    keys(Keys.F3)
    w.until(lambda _d: d.find_element(By.ID, "member-input").get_attribute("data-mode") == "points")
    keys("20", Keys.ENTER)  # 20 points: Rp 2.000
    w.until(lambda _d: d.execute_script("return window.__late") == 1, "the scan's answer came")
    w.until(
        lambda _d: (
            d.find_element(By.ID, "total").text == "Rp 11.500" and d.find_element(By.ID, "remaining").text == "Rp 9.500"
        ),
        "the till shows the scanned item and the points paid, with what is left to pay",
    )


def test_the_kiosk_points_screen_groups_thousands_dates_day_first_and_offers_no_sign_up_to_a_member(
    central_online: CentralHarness, store_server: Any, browser: Any
) -> None:
    m = new_member(central_online, points=0, name="Siti Rahmawati", phone="0813" + str(uuid.uuid4().int)[:8])
    central_loyalty.adjust(central_online.ctx, m["id"], 2500, "welcome bonus")
    d = browser(1280, 1024)
    store_server.open_kiosk(d)
    w = waiter(d)
    w.until(lambda _d: "ready" in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
    d.find_element(By.ID, "tile-points").click()
    w.until(lambda _d: d.find_element(By.ID, "signup-open").is_displayed(), "a stranger is offered to sign up")
    d.find_element(By.TAG_NAME, "body").send_keys(m["card"], Keys.ENTER)
    w.until(lambda _d: d.find_element(By.ID, "points-result").is_displayed(), "the balance is shown")
    assert d.find_element(By.ID, "points-balance").text == "2.500 poin"
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, "#points-entries tbody tr td")]
    assert len(cells) == 4 and cells[-1] == "+2.500", cells  # grouped like the balance above it
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", cells[0]), cells[0]  # 23/11/2026, as everywhere in the stores
    heading = d.find_element(By.CSS_SELECTOR, "#points-result h2").text
    assert heading == "Riwayat terakhir", "no promise of 10 entries above a single one"
    assert not d.find_element(By.ID, "signup-open").is_displayed(), "a member is not asked to become one"
