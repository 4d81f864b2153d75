"""Headless Chromium on the central admin: sign in, find a member by phone, block them from their page
(docs/screens/central-member.png), and the top bar one row on a 1366 x 768 laptop in Bahasa Indonesia. The central
store is synckit's, served over HTTP on 127.0.0.1."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401
from test_layout_browser import TOP_BAR_JS, menu_problems

from central.services import dead_letters, loyalty, offline_allowances, stores
from central.services import push as push_service
from central.web.admin_nav import NAV
from common import member_qr

WAIT = 20  # how long the page may take to get there; never a timing assert


def member_with_history(ctx):
    """A member with a few months of points: earned at two stores, redeemed, adjusted, an allowance at TOKO-01."""
    ctx.config.loyalty.signing_key = member_qr.new_private_key()
    stores.add_store(ctx, "TOKO-02", "Omnitoko Depok")
    m = loyalty.sign_up(ctx, "Siti Rahmawati", "0812-3456-7890", "siti@example.com")
    real = ctx.clock
    for days, store, kind, points in (
        (90, STORE, "earn", 120),
        (60, "TOKO-02", "earn", 45),
        (30, STORE, "redeem", -50),
        (7, STORE, "earn", 18),
    ):
        ctx.clock = lambda d=days: real() - timedelta(days=d)
        with ctx.db.unit_of_work() as s:
            loyalty.add_entry(
                s,
                ctx,
                m["id"],
                kind,
                points,
                store_id=store,
                ref_id=str(uuid.uuid4()),
                note="sale" if kind == "earn" else "hold",
            )
    ctx.clock = real
    loyalty.adjust(ctx, m["id"], 25, "goodwill: late delivery (admin admin)")
    offline_allowances.grant_allowance(ctx, m["id"], STORE, 30, 30)
    return m


def signed_in(central, browser, path: str):  # type: ignore[no-untyped-def]
    """A 1366 px Chromium signed in as the admin on `path` (the sign-in page sends it back there), and its wait."""
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    d = browser(1366, 900)
    wait = WebDriverWait(
        d,
        WAIT,
        poll_frequency=0.05,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, WebDriverException),
    )  # a page mid-navigation
    d.get(f"{central.url}{path}")
    d.find_element(By.NAME, "username").send_keys("admin")
    d.find_element(By.NAME, "password").send_keys("rahasia-1234\n")
    wait.until(lambda _: "/login" not in d.current_url)
    return d, wait


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_admin_finds_a_member_by_phone_and_blocks_them(central, browser, screens):
    m = member_with_history(central.ctx)
    d, wait = signed_in(central, browser, "/admin/members")
    box = wait.until(lambda _: d.find_element(By.NAME, "q"))  # back on the page asked for, signed in
    box.send_keys("0812 3456 7890\n")
    # The list before the search may show the member too: take the link from the results page, not that one.
    wait.until(lambda _: "q=" in d.current_url and d.find_element(By.LINK_TEXT, m["number"])).click()
    wait.until(lambda _: d.find_element(By.ID, "balance").text == "158")
    rows = d.find_elements(By.CSS_SELECTOR, "#ledger tr[data-kind]")
    assert [r.get_attribute("data-kind") for r in rows] == ["adjust", "earn", "redeem", "earn", "earn"]
    d.find_element(By.ID, "block").click()
    wait.until(lambda _: d.find_element(By.ID, "blocked-badge").is_displayed())
    assert "Anggota diblokir" in d.find_element(By.CSS_SELECTOR, ".flash").text  # Indonesian by default
    d.save_screenshot(str(screens / "central-member.png"))
    assert loyalty.lookup(central.ctx, member_id=m["id"])["blocked"] is True

    # On a 1366 x 768 laptop in Bahasa Indonesia (the longer words) the top bar is one row, and Lainnya opens by
    # click and keyboard and lists the sections the row has no room for; a page under it marks it.
    d.set_window_size(1366, 768)
    page = SimpleNamespace(until=lambda done, what: wait.until(lambda _: done(), what))
    found = d.execute_script(TOP_BAR_JS) + menu_problems(d, page, len(NAV))
    d.save_screenshot(str(screens / "central-top-bar-1366-id.png"))
    assert not found, found
    d.get(f"{central.url}/admin/settlements")
    wait.until(lambda _: d.find_element(By.CSS_SELECTOR, "header.top details.more"))
    assert d.execute_script(TOP_BAR_JS) == []  # one row still, and Lainnya marked: Setelmen harian is under it


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_discarding_a_refused_sale_asks_first_in_indonesian_and_cancelling_keeps_it(central, browser, screens):
    poison = make_event(1, sale_payload(STORE, 1, skus=["SKU-NEW-1"]))
    push_service.push(central.ctx, STORE, "x", [poison])
    d, wait = signed_in(central, browser, "/admin/")
    discard = f"form[action$='/dead-letters/{poison.event_id}/discard'] button"
    wait.until(lambda _: d.find_element(By.CSS_SELECTOR, discard)).click()
    asked = wait.until(EC.alert_is_present())
    assert asked.text.startswith("Buang transaksi ini?")
    asked.dismiss()  # a click by mistake: the sale stays to be retried
    assert d.find_elements(By.CSS_SELECTOR, discard) and len(dead_letters.list_dead_letters(central.ctx)) == 1
    d.find_element(By.CSS_SELECTOR, discard).click()
    wait.until(EC.alert_is_present()).accept()
    wait.until(lambda _: "Tidak ada: setiap transaksi sudah diterapkan." in d.find_element(By.ID, "dead-letters").text)
    d.save_screenshot(str(screens / "central-dead-letter-discarded.png"))
    assert dead_letters.list_dead_letters(central.ctx) == []

    # A sale of more than the store had raises a task; head office marks it done with a note, in place, and finds
    # it under Selesai with who and what.
    oversold = make_event(2, sale_payload(STORE, 2, skus=["SKU-00001"], qty=5000))
    assert push_service.push(central.ctx, STORE, "x", [oversold])["results"][0]["outcome"] == "applied"
    d.get(f"{central.url}/admin/")
    wait.until(lambda _: d.find_element(By.CSS_SELECTOR, "#reconciliation-items details.task-act summary")).click()
    d.find_element(By.CSS_SELECTOR, "#reconciliation-items input[name=note]").send_keys("stok dihitung ulang\n")
    wait.until(lambda _: "Tidak ada tugas terbuka." in d.find_element(By.ID, "reconciliation-items").text)
    d.get(f"{central.url}/admin/?tasks=resolved")
    done = wait.until(lambda _: d.find_element(By.ID, "reconciliation-items")).text
    assert "stok dihitung ulang" in done and "admin" in done, done
