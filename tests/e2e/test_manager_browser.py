"""The manager screens in a real browser: receive by scanning, count with a variance during sales, post it,
read the report charts; a cashier is turned away. Screenshots go to the `screens` folder
(docs/screens/ with `make screens`).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from common.demo_data import demo_products
from pos import bootstrap
from pos.adapters.config import load_config
from pos.adapters.tables import RemoteStock
from pos.services import auth, catalog, checkout, refunds, sales, shifts, stock_admin, till_sale
from pos.services.context import StoreContext

WAIT = 20  # how long a WebDriverWait may wait for the page to get there; never a timing assert
AQUA_330 = "8990000100010"  # SKU-00001
AQUA_600 = "8990000100027"  # SKU-00002
MANAGER = {"staff_code": "9001", "pin": "4321"}


def store_beside(tmp_path: Path) -> StoreContext:
    """The database the test's store server is serving (the sync agent and CLI open it the same way)."""
    cfg = load_config(tmp_path / "store.toml")
    return bootstrap.store_context(cfg, steps=())


def seed_week(ctx: StoreContext) -> None:
    """A believable week of sales by two cashiers, a few discounts and a refund, at past local times."""
    zone, rng = ZoneInfo(ctx.config.store.timezone), random.Random(2026)
    siti, budi = auth.sign_in(ctx, "1001", "1234", "T1")[1], auth.sign_in(ctx, "1002", "2345", "T2")[1]
    for actor in (siti, budi):
        shifts.open_shift(ctx, actor, 200_000)
    goods = [p.barcode for p in demo_products() if "Isi" not in p.name and "Karton" not in p.name]
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    done = []
    for back in range(6, -1, -1):
        for _ in range(rng.randint(6, 11)):
            local = datetime.combine(
                today - timedelta(days=back),
                time(rng.choice([7, 8, 9, 10, 11, 12, 12, 13, 16, 17, 17, 18, 18, 19, 20, 21]), rng.randint(0, 59)),
                zone,
            )
            if local > now:
                continue
            ctx.clock = lambda t=local: t.astimezone(UTC).replace(tzinfo=None)
            actor = rng.choice([siti, siti, budi])
            view, _ = till_sale.create_sale(ctx, actor)
            for barcode in rng.sample(goods, rng.randint(1, 4)):
                view = till_sale.add_line(ctx, actor, view["id"], barcode=barcode, qty=rng.randint(1, 3))
            if rng.random() < 0.15:
                view = sales.apply_discount(ctx, actor, view["id"], "percent", rng.choice([5, 15]), approval=MANAGER)
            kind = rng.choice(["cash", "cash", "qris", "card", "ewallet"])
            paid = -(-view["total"] // 10_000) * 10_000 if kind == "cash" else view["total"]
            till_sale.add_tender(ctx, actor, view["id"], kind, paid, "DANA-8812" if kind == "ewallet" else None)
            done.append((actor, checkout.complete(ctx, actor, view["id"])))
    actor, sale = done[len(done) // 2]
    refunds.refund(ctx, actor, sale["number"], [(sale["lines"][0]["id"], 1)], MANAGER, reason="kemasan rusak")
    ctx.clock = lambda: datetime.now(UTC).replace(tzinfo=None)


def seed_stock_elsewhere(ctx: StoreContext, manager: Any) -> None:
    """Levels for a few products, and the figures the sync agent keeps for another store and the online shop."""
    for sku, level in (("SKU-00001", 80), ("SKU-00004", 200), ("SKU-00006", 150)):
        stock_admin.set_threshold(ctx, manager, sku, level)
    rng = random.Random(5)
    with ctx.db.unit_of_work() as s:
        for p in demo_products()[:40]:
            s.add(RemoteStock(sku=p.sku, location="TOKO-02", location_name="Omnitoko Depok", qty=rng.randint(0, 90)))
            s.add(RemoteStock(sku=p.sku, location="online", location_name="Online", qty=rng.randint(0, 300)))


class Page:
    def __init__(self, driver: Any, url: str) -> None:
        self.d, self.url = driver, url
        self.wait = WebDriverWait(
            driver,
            WAIT,
            poll_frequency=0.05,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )

    def go(self, path: str) -> None:
        self.d.get(self.url + path)

    def until(self, condition: Any, message: str) -> Any:
        return self.wait.until(lambda _d: condition(), message)

    def el(self, css: str) -> Any:
        return self.d.find_element(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return str(self.el(css).text)

    def focused(self) -> str:
        return self.d.switch_to.active_element.get_attribute("id") or ""

    def keys(self, *keys: str) -> None:
        self.d.switch_to.active_element.send_keys(*keys)

    def flash(self) -> str:
        return " ".join(e.text for e in self.d.find_elements(By.CSS_SELECTOR, ".flash"))

    def sign_in(self, code: str, pin: str) -> None:
        self.until(lambda: self.focused() == "staff_code", "the staff code field has focus")
        self.keys(code, Keys.TAB, pin, Keys.ENTER)

    def screenshot(self, path: Path) -> None:
        """The whole page, not just the window: grow the window to the page's height first."""
        height = int(self.d.execute_script("return document.documentElement.scrollHeight"))
        self.d.set_window_size(1440, min(max(height, 900), 4000))
        self.d.save_screenshot(str(path))
        self.d.set_window_size(1440, 900)


def test_manager_receives_by_scanning_counts_during_sales_posts_and_reads_the_charts(
    store_server: Any, browser: Any, screens: Path, tmp_path: Path
) -> None:
    ctx = store_beside(tmp_path)
    seed_week(ctx)
    manager = auth.sign_in(ctx, "9001", "4321", "T1")[1]
    seed_stock_elsewhere(ctx, manager)
    page = Page(browser(), store_server.url)

    page.go("/manager/stock")
    page.sign_in("9001", "4321")
    page.until(lambda: "Selamat datang, Dewi Lestari." in page.flash(), "the manager is welcomed on the stock list")
    assert page.d.current_url.endswith("/manager/stock")

    # Receiving: supplier reference, Enter moves on to the scan field, then a scanner types digits and Enter.
    before = catalog.stock_card(ctx, "SKU-00002")["on_hand"]
    page.go("/manager/stock/receive")
    page.until(lambda: page.focused() == "supplier_ref", "the supplier reference has focus")
    page.keys("SJ-2026-1123", Keys.ENTER)
    page.until(lambda: page.focused() == "scan", "Enter moves to the scan field")
    page.keys(AQUA_600, Keys.ENTER)
    page.until(lambda: f"stok {before} → {before + 1}" in page.flash(), "the receipt shows before and after")
    page.until(lambda: page.focused() == "scan", "the scan field is ready for the next item")
    page.keys(AQUA_600, Keys.ENTER)
    page.until(lambda: f"stok {before + 1} → {before + 2}" in page.flash(), "a second scan adds one more")
    rows = page.d.find_elements(By.CSS_SELECTOR, "#tbl-received tbody tr")
    assert len(rows) == 2 and all("Air Mineral Aqua 600ml" in r.text for r in rows)
    assert catalog.stock_card(ctx, "SKU-00002")["on_hand"] == before + 2

    page.go("/manager/stock?category=drinks")
    page.until(lambda: page.el("#tbl-stock tbody tr"), "the stock list shows")
    headers = [th.text for th in page.d.find_elements(By.CSS_SELECTOR, "#tbl-stock thead th")]
    assert "Omnitoko Depok" in headers and "Online" in headers
    cell = page.el("#tbl-stock tbody tr td.num")
    assert cell.value_of_css_property("text-align") in ("right", "end")
    page.screenshot(screens / "manager-stock.png")

    # A count of the drinks while the tills keep selling.
    page.go("/manager/counts")
    page.el("#count-scope option[value='drinks']").click()
    page.el("#start-count button[type=submit]").click()
    page.until(lambda: page.focused() == "scan", "the count opens with the scan field ready")
    have = catalog.stock_card(ctx, "SKU-00001")["on_hand"]
    page.keys(AQUA_330, Keys.ENTER)  # a scan counts one
    page.until(lambda: "dihitung 1" in page.flash(), "one Aqua 330 counted")
    page.el("#qty").send_keys(str(have - 3))  # the rest of the shelf, typed
    page.el("#qty").send_keys(Keys.ENTER)
    page.until(lambda: page.focused() == "scan", "Enter in the quantity moves to the scan field")
    page.keys(AQUA_330, Keys.ENTER)
    page.until(lambda: "selisih -3" in page.flash(), "the variance shows as soon as it is counted")
    shelf_at_count = have - 3
    for sku, extra in (("SKU-00002", 0), ("SKU-00005", 2)):  # one shelf matches, one has two more
        item = catalog.lookup(ctx, sku=sku)[0]
        page.el("#qty").send_keys(str(item["on_hand"] + extra), Keys.ENTER)
        page.keys(item["barcode"], Keys.ENTER)
        page.until(lambda: f"selisih {extra:+d}" in page.flash(), f"{sku} is counted")  # noqa: B023 - awaited here
    sold_since = catalog.stock_card(ctx, "SKU-00001")["on_hand"]
    cashier = auth.sign_in(ctx, "1001", "1234", "T1")[1]
    view, _ = till_sale.create_sale(ctx, cashier)  # a till sells two while the count is open
    view = till_sale.add_line(ctx, cashier, view["id"], barcode=AQUA_330, qty=2)
    till_sale.add_tender(ctx, cashier, view["id"], "cash", view["total"])
    checkout.complete(ctx, cashier, view["id"])
    assert catalog.stock_card(ctx, "SKU-00001")["on_hand"] == sold_since - 2
    page.d.refresh()
    page.until(lambda: page.text("#net-variance") == "-1", "the review shows the net variance")
    review = page.text("#review tbody")
    assert "Air Mineral Aqua 330ml" in review
    page.screenshot(screens / "manager-count.png")
    page.el("#post-count button").click()
    page.d.switch_to.alert.accept()
    page.until(lambda: page.text("#count-state") == "Diposting", "the count is posted")
    assert "3 produk, 2 disesuaikan, selisih bersih -1" in page.flash()
    assert catalog.stock_card(ctx, "SKU-00001")["on_hand"] == shelf_at_count - 2  # the two sold are not lost

    # Reports: tables with charts beside them, CSV on every table.
    page.go("/manager/reports")
    page.until(lambda: page.el("#chart-by_day svg"), "the sales-by-day chart is drawn")
    for chart in ("by_day", "by_hour", "by_category", "by_cashier", "tenders", "top_products"):
        bars = page.d.find_elements(By.CSS_SELECTOR, f"#chart-{chart} svg rect")
        assert bars, f"the {chart} chart has bars"
    assert page.text("#sum-sales b") != "0"
    assert "Rp " in page.text("#sum-total b")
    assert len(page.d.find_elements(By.CSS_SELECTOR, "a.csv")) == 9  # the QRIS to reconcile has one too
    page.screenshot(screens / "manager-reports.png")

    # The date fields read and show days as 23/11/2026 whatever the browser's language (common.days), each with a
    # button for the browser's calendar: the last day typed as the first shows that one day.
    week, last = page.text("h1 small"), page.el("#report-range input[name=to]").get_attribute("value")
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", last), last
    buttons = page.d.find_elements(By.CSS_SELECTOR, "#report-range .day-open")
    assert [b.get_attribute("aria-label") for b in buttons] == ["Dari (hh/bb/tttt)", "Sampai (hh/bb/tttt)"]
    first = page.el("#report-range input[name=from]")
    first.clear()
    first.send_keys(last, Keys.ENTER)
    page.until(lambda: page.text("h1 small") != week, "the page shows the day asked")
    one_day = page.text("h1 small").split(" – ")
    assert len(one_day) == 2 and one_day[0] == one_day[1], one_day
    assert page.el("#report-range input[name=from]").get_attribute("value") == last

    page.el("#lang-switch").click()
    page.until(lambda: "Sales report" in page.text("h1"), "the switch turns the page to English")
    ctx.db.dispose()


def test_a_cashier_is_refused_the_manager_screens(store_server: Any, browser: Any) -> None:
    page = Page(browser(), store_server.url)
    page.go("/manager/counts")
    page.sign_in("1001", "1234")
    page.until(lambda: page.d.find_elements(By.ID, "error"), "the sign-in answers")
    assert page.text("#error") == (
        "Staf 1001 (Siti Rahayu) bukan manajer: layar manajer hanya untuk manajer. Minta manajer untuk masuk."
    )
    page.go("/manager/stock")
    page.until(lambda: "/manager/sign-in" in page.d.current_url, "still sent to sign in")
    assert not page.d.find_elements(By.CSS_SELECTOR, "header nav a")
