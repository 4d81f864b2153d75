"""Every screen fits and stays usable at the sizes stores run: the till (a long sale, discounts, a split payment, the
paid panel, dialogs open), the customer display, the manager screens, and the kiosk's keyboard and toasts.

One store server for the module and one browser each for the till, the display and the kiosk, set to each size in
turn; each check is a piece of JavaScript that measures the page as the cashier or shopper sees it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import StoreServer, chromium, serve_store
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from test_till_browser import Till

from pos.web.manager.access import NAV

pytestmark = pytest.mark.browser

TILL_SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
KIOSK_SIZES = [(1280, 1024), (1024, 768), (768, 1024), (1080, 1920), (1920, 1080)]  # tests, small and big kiosks
# The customer display is often a POS's own small second screen: 10" 1024 x 600, 7" 800 x 480.
DISPLAY_SIZES = [(1024, 600), (800, 480)]
LONG_SALE = 32  # lines: more than any screen shows at once
CARD_PART = 20_000  # the card half of the split payment
F_KEYS = [f"F{n}" for n in range(1, 13) if n != 11]  # F11 is the browser's own (full screen)
MANAGER = {"staff_code": "9001", "pin": "4321"}

# Problems of the page as seen: [] when it fits. `must` are selectors that must be inside the viewport; `uncovered`
# ones must also be what a touch at their centre reaches (nothing lies over them).
LAYOUT_JS = """
const [must, uncovered] = arguments;
const vw = window.innerWidth, vh = window.innerHeight, out = [];
const root = document.documentElement;
if (root.scrollWidth > vw) out.push(`the page is ${root.scrollWidth} px wide in a ${vw} px window`);
const name = (el) => el ? `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className}` : "nothing";
for (const sel of new Set(must.concat(uncovered))) {
  const el = document.querySelector(sel);
  if (!el) { out.push(`${sel} is missing`); continue; }
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) out.push(`${sel} is not shown`);
  else if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
    out.push(`${sel} at ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)} `
      + `is outside the ${vw}x${vh} window`);
  if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "auto")
    out.push(`${sel} is cut off on the right (${el.scrollWidth} > ${el.clientWidth})`);
}
for (const sel of uncovered) {
  const el = document.querySelector(sel);
  if (!el) continue;
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  if (!hit || !el.contains(hit)) out.push(`${sel} is covered by ${name(hit)}`);
}
return out;
"""

# Every key of the key bar: inside the window, its label not cut off, nothing over it.
KEYBAR_JS = """
const vw = window.innerWidth, vh = window.innerHeight, out = [];
for (const k of document.querySelectorAll("#keys [data-key]")) {
  const r = k.getBoundingClientRect();
  if (r.left < -0.5 || r.right > vw + 0.5 || r.top < -0.5 || r.bottom > vh + 0.5) out.push(`${k.dataset.key} is outside`);
  if (k.scrollWidth > k.clientWidth + 1 || k.scrollHeight > k.clientHeight + 1) out.push(`${k.dataset.key}'s label is cut off`);
  const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
  if (!document.getElementById("modal").hidden) continue;
  if (!hit || !k.contains(hit)) out.push(`${k.dataset.key} is covered`);
}
return out;
"""

# What the sale screen shows that a key could change: compared before and after pressing a key.
SNAPSHOT_JS = """
const $ = (id) => document.getElementById(id);
const sel = document.querySelector("#lines tr.selected");
return JSON.stringify({
  modal: $("modal").hidden ? "" : $("dialog").className, member: !!$("member-panel"), message: $("message").textContent,
  lines: document.querySelectorAll("#lines tr").length, selected: sel ? sel.dataset.id : "", paid: $("paid-panel").hidden,
  scan: $("scan").value, elsewhere: !$("elsewhere").hidden,
});
"""


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def fit(driver: Any, size: tuple[int, int]) -> None:
    """The viewport exactly `size` (the window's frame differs between headless modes)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def problems(driver: Any, must: list[str], uncovered: list[str] = []) -> list[str]:  # noqa: B006 - never mutated
    return list(driver.execute_script(LAYOUT_JS, must, uncovered))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_store_db: Path) -> Iterator[StoreServer]:
    with serve_store(tmp_path_factory.mktemp("layout-store"), demo_store_db) as s:
        yield s


def browser_for(tmp_path_factory: pytest.TempPathFactory, kind: str) -> Iterator[Any]:
    """One Chromium for the module's `kind` screens (starting one is the costly part of a layout check); each test
    sets the page area it measures (`at`), so the sizes share it."""
    driver = chromium(tmp_path_factory.mktemp(f"chromium-{kind}"))
    yield driver
    driver.quit()


def at(driver: Any, size: tuple[int, int]) -> Any:
    """`driver` with its page area `size` (width, height), remembered as `driver.size` for the messages."""
    fit(driver, size)
    driver.size = size
    return driver


@pytest.fixture(scope="module")
def till_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from browser_for(tmp_path_factory, "till")


@pytest.fixture(scope="module")
def display_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from browser_for(tmp_path_factory, "display")


@pytest.fixture(scope="module")
def kiosk_browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from browser_for(tmp_path_factory, "kiosk")


@pytest.fixture(params=TILL_SIZES, ids=size_id)
def till_screen(request: pytest.FixtureRequest, till_browser: Any) -> Any:
    """The till's browser at a till size, for the till, the display and the manager screens at that size."""
    return at(till_browser, request.param)


@pytest.fixture(params=TILL_SIZES + DISPLAY_SIZES, ids=size_id)
def display_screen(request: pytest.FixtureRequest, display_browser: Any) -> Any:
    """The customer display at a till's size or a POS second screen's."""
    return at(display_browser, request.param)


@pytest.fixture(params=KIOSK_SIZES, ids=size_id)
def kiosk_screen(request: pytest.FixtureRequest, kiosk_browser: Any) -> Any:
    return at(kiosk_browser, request.param)


class LayoutTill(Till):
    """The Till helper of test_till_browser, plus what this module needs: sign-in once per browser, a long sale."""

    def signed_in(self) -> None:
        self.open()
        self.until(lambda: self.shown("screen-signin") or self.shown("screen-sale"), "the till starts")
        if self.shown("screen-sale"):
            self.until(lambda: self.sale_state() == "open", "the till's sale has come")
            return
        self.until(lambda: self.focused_id() == "signin-code", "the staff code field has focus")
        self.keys("1001", Keys.ENTER)
        self.until(lambda: self.focused_id() == "signin-pin", "Enter moves to the PIN")
        self.keys("1234", Keys.ENTER)
        self.until(lambda: self.shown("screen-float") or self.shown("screen-sale"), "a shift, or its float")
        if self.shown("screen-float"):  # the first size opens the shift; the others find it open
            self.keys("200000", Keys.ENTER)
        self.until(lambda: self.shown("screen-sale") and self.focused_id() == "scan", "the sale screen, scan focused")
        self.until(lambda: self.sale_state() == "open", "the till's new sale has come")

    def on_an_empty_sale(self) -> None:
        """Signed in, on a sale with no lines: a sale an earlier test left open (it stopped half-way) is voided with
        the manager's approval, so one failed test does not make the next ones fail on a sale they did not expect."""
        self.signed_in()
        token = self.token()
        sale = self.server.api("POST", "/sales", token).json()  # the till's open sale, or a new one
        if not sale["lines"]:
            return
        body = {"approval": MANAGER, "reason": "left open by an earlier layout test"}
        voided = self.server.api("POST", f"/sales/{sale['id']}/void", token, json=body)
        assert voided.status_code == 200, voided.text
        self.open()
        self.until(lambda: self.shown("screen-sale") and self.sale_state() == "open", "the till's new sale has come")
        self.until(lambda: self.line_count() == 0, "the new sale is empty")

    def long_sale(self, products: list[dict[str, Any]]) -> None:
        """LONG_SALE different products on the open sale (through the API, as fast scans would), then shown."""
        token = self.token()
        sale = self.server.api("POST", "/sales", token).json()
        assert not sale["lines"], "each size starts on a new sale"
        for p in products[:LONG_SALE]:
            res = self.server.api("POST", f"/sales/{sale['id']}/lines", token, json={"barcode": p["barcode"], "qty": 1})
            assert res.status_code in (200, 201), res.text
        self.open()
        self.until(lambda: self.line_count() == LONG_SALE, "the reloaded till shows the long sale")

    def money(self, element_id: str) -> int:
        return int(self.text(element_id).replace("Rp", "").replace(".", "").replace("−", "").strip() or 0)

    def check(self, state: str, *, dialog: bool = False) -> None:
        """The page fits: the total and the scan field visible, the key bar inside and (no dialog) uncovered."""
        must = ["#total", "#scan", "#keys"] + (["#dialog"] if dialog else [])
        uncovered = [] if dialog else ["#total", "#scan", "#keys"]
        found = problems(self.d, must, uncovered) + list(self.d.execute_script(KEYBAR_JS))
        if dialog:
            found += self.d.execute_script(
                "const d = document.getElementById('dialog'), f = document.activeElement;"
                "const r = f.getBoundingClientRect(), b = d.getBoundingClientRect();"
                "return d.contains(f) && r.top >= b.top - 1 && r.bottom <= b.bottom + 1 ? [] : "
                "['the focused field of the dialog is out of sight'];"
            )
        assert not found, f"{size_id(self.d.size)} {state}: {found}"


def demo_products(server: StoreServer, token: str) -> list[dict[str, Any]]:
    """Distinct products with a barcode, enough for the long sale."""
    seen: dict[str, dict[str, Any]] = {}
    for q in ("a", "e", "i", "o", "u"):
        for p in server.api("GET", f"/products?q={q}&limit=50", token).json()["items"]:
            if p.get("barcode") and p.get("measure", "unit") == "unit":  # weighed goods ask for a weight
                seen.setdefault(p["sku"], p)
    assert len(seen) >= LONG_SALE, f"the demo sells {len(seen)} products with a barcode"
    return sorted(seen.values(), key=lambda p: p["sku"])


def test_the_till_fits_a_long_discounted_split_paid_sale_with_its_dialogs(
    server: StoreServer, till_screen: Any, screens: Path
) -> None:
    till = LayoutTill(till_screen, server)
    till.on_an_empty_sale()
    till.long_sale(demo_products(server, till.token()))
    shot = f"layout-till-{size_id(till_screen.size)}"
    till.check("a long sale")
    till.until(  # read inside a wait: a redraw after the reload (the sale's live update) may still be laying out
        lambda: till.d.execute_script(
            "const p = document.querySelector('.lines-panel'), s = document.querySelector('#lines tr.selected');"
            "if (!s) return false;"
            "const a = p.getBoundingClientRect(), b = s.getBoundingClientRect();"
            "return p.scrollHeight > p.clientHeight && b.top >= a.top - 1 && b.bottom <= a.bottom + 1;"
        ),
        "the lines scroll, and the newest (selected) line is in sight",
    )

    # A line discount (5% of the selected line), then 20% off the sale: over the limit, the manager approves in place.
    till.keys(Keys.F6)
    till.until(lambda: till.focused_id() == "disc-value", "the discount dialog")
    till.check("the discount dialog", dialog=True)
    till.keys("5", Keys.ENTER)
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, "#lines tr.selected .line-disc"), "the line discount")
    till.keys(Keys.F6)
    till.until(lambda: till.focused_id() == "disc-value")
    till.keys("t", "20", Keys.ENTER)
    till.until(lambda: till.focused_id() == "appr-code", "the approval asks for the manager's code")
    till.check("the approval dialog", dialog=True)
    till.keys("9001", Keys.ENTER)
    till.keys("4321", Keys.ENTER)
    till.until(lambda: till.shown("row-discount") and till.shown("modal") is False, "the sale discount shows")
    # one row for every discount: its percent is the sale's, and it says the line's is in it too
    assert till.text("discount").endswith("(20% + diskon barang)"), till.text("discount")
    till.check("a line and a sale discount")

    # F5 Transaksi over the sale.
    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q" and till.text("tx-caption"), "the Transaksi screen, its list come")
    till.check("the Transaksi screen", dialog=True)
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan")

    # Split payment: part by card, then the rest in cash with change.
    total = till.money("total")
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(str(CARD_PART), "c")
    till.until(lambda: till.d.find_elements(By.CSS_SELECTOR, ".tender-list li"), "the card part is taken")
    till.check("the pay dialog with a part paid", dialog=True)
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.shown("row-remaining") and till.focused_id() == "scan", "back on the sale, part paid")
    till.check("a part-paid sale")
    assert till.money("remaining") == total - CARD_PART
    till.d.save_screenshot(str(screens / f"{shot}-part-paid.png"))

    cash = (total - CARD_PART) // 50_000 * 50_000 + 50_000
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(str(cash), Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "paid in full")
    till.d.save_screenshot(str(screens / f"{shot}-paid.png"))
    tenders = [" ".join(e.text.split()) for e in till.d.find_elements(By.CSS_SELECTOR, "#paid-tenders li")]
    assert tenders == ["Kartu Rp 20.000", f"Tunai Rp {cash:,}".replace(",", ".")], tenders
    assert till.money("paid-change") == CARD_PART + cash - total
    found = problems(till.d, ["#keys", "#paid-tenders", "#paid-number"], ["#paid-change", "#paid-tenders", "#keys"])
    assert not found, f"{size_id(till_screen.size)} the paid panel: {found}"


def test_every_key_the_till_acts_on_is_on_the_key_bar(server: StoreServer, till_screen: Any) -> None:
    till = LayoutTill(till_screen, server)
    till.on_an_empty_sale()
    till.scan("8990000100010", 1)
    till.scan("8990000100027", 2)
    acted_on = set(till.d.execute_script("return document.documentElement.dataset.saleKeys").split())
    bar = till.d.find_elements(By.CSS_SELECTOR, "#keys [data-key]")
    on_bar = {k for e in bar for k in e.get_attribute("data-key").split()}
    assert {
        "F1",
        "F2",
        "F3",
        "F4",
        "F5",
        "F6",
        "F7",
        "F8",
        "F9",
        "F10",
        "F12",
        "ArrowUp",
        "ArrowDown",
        "Escape",
    } <= acted_on
    assert acted_on <= on_bar, f"keys the till acts on but the key bar does not show: {sorted(acted_on - on_bar)}"

    # Each key pressed on the sale screen: the keys on the bar do something; the others nothing.
    for key in F_KEYS + ["Escape"]:
        if key == "Escape":
            till.keys("12")
        before = till.d.execute_script(SNAPSHOT_JS)
        till.keys(getattr(Keys, key.upper()))
        if key in acted_on:  # some keys act after a request (F9 removes the line at the server first)
            till.until(
                lambda was=before: till.d.execute_script(SNAPSHOT_JS) != was,
                f"{key} is on the key bar and does something",
            )
        after = till.d.execute_script(SNAPSHOT_JS)
        if key not in acted_on:
            assert after == before, f"{key} did something without being on the key bar: {before} -> {after}"
        # Back to the plain sale screen: close what the key opened, and let a moved selection be.
        if json.loads(after)["modal"] or json.loads(after)["member"] or json.loads(after)["elsewhere"]:
            till.keys(Keys.ESCAPE)
            till.until(
                lambda: (
                    till.shown("modal") is False and till.shown("elsewhere") is False and till.focused_id() == "scan"
                ),
                f"Esc closes {key}'s dialog",
            )

    # Pay it, so the next size starts on a new sale.
    till.keys(Keys.F12)
    till.until(lambda: till.focused_id() == "pay-given")
    till.keys(Keys.ENTER)
    till.until(lambda: till.shown("paid-panel"), "paid")


def display_till_token(server: StoreServer) -> str:
    """A second cashier on T2 (the display's till here), with the shift open (the first size opens it)."""
    res = server.api("POST", "/session", json={"staff_code": "1002", "pin": "2345", "till_id": "T2"})
    assert res.status_code in (200, 201), res.text
    token = str(res.json()["token"])
    opened = server.api("POST", "/shifts", token, json={"opening_float": 100_000})
    assert opened.status_code in (201, 409), opened.text
    return token


def test_the_customer_display_fits_a_long_sale_and_the_thank_you(
    server: StoreServer, display_screen: Any, screens: Path
) -> None:
    token = display_till_token(server)
    sale = server.api("POST", "/sales", token).json()
    for p in demo_products(server, token)[:LONG_SALE]:
        server.api("POST", f"/sales/{sale['id']}/lines", token, json={"barcode": p["barcode"], "qty": 1})
    sale = server.api("POST", f"/sales/{sale['id']}/discounts", token, json={"kind": "percent", "value": "5"}).json()
    d = display_screen
    d.get(f"{server.url}/display/T2")
    till = LayoutTill(d, server)
    till.until(lambda: till.shown("d-sale") and len(d.find_elements(By.CSS_SELECTOR, "#d-lines li")) == LONG_SALE)
    till.until(lambda: till.shown("d-discount"), "the display shows the discount")
    # each line says what it saves, as the till does, so its amount reads right next to count x price
    first = sale["lines"][0]
    said = d.find_element(By.CSS_SELECTOR, "#d-lines li:first-child .d-line-disc").text
    assert said == f"Hemat Rp {first['discount']:,}".replace(",", "."), said
    found = problems(d, ["#d-discount", ".display-promo"], ["#d-total", "#d-last", ".display-promo"])
    found += d.execute_script(
        "const box = document.getElementById('d-lines').getBoundingClientRect();"
        "const last = document.querySelector('#d-lines li:last-child').getBoundingClientRect();"
        "return last.top >= box.top - 1 && last.bottom <= box.bottom + 1 ? [] : ['the newest line is out of sight'];"
    )
    assert not found, f"{size_id(d.size)} the display during a long sale: {found}"
    d.save_screenshot(str(screens / f"layout-display-{size_id(d.size)}.png"))

    server.api("POST", f"/sales/{sale['id']}/tenders", token, json={"type": "card", "amount": CARD_PART})
    cash = sale["total"] - CARD_PART + 5_000
    server.api("POST", f"/sales/{sale['id']}/tenders", token, json={"type": "cash", "amount": cash})
    done = server.api("POST", f"/sales/{sale['id']}/complete", token)
    assert done.status_code == 200, done.text
    till.until(lambda: till.shown("d-thanks"), "the thank-you")
    assert till.text("d-t-change") == "Rp 5.000"
    found = problems(d, [".d-thanks-title", "#d-t-number"], ["#d-t-change", "#d-t-total", ".display-promo"])
    assert not found, f"{size_id(d.size)} the display's thank-you: {found}"


# A manager page scrolls down, never sideways: each table ends inside the window, or scrolls inside its own box.
TABLES_JS = """
const out = [];
for (const table of document.querySelectorAll("main table")) {
  if (table.getBoundingClientRect().right <= innerWidth + 0.5) continue;
  let box = table.parentElement;
  while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  if (!box || box.getBoundingClientRect().right > innerWidth + 0.5) out.push(`table#${table.id} runs past the window`);
}
return out;
"""

MANAGER_PAGES = [
    "/manager/stock",
    "/manager/stock/item/SKU-00001",
    "/manager/stock/receive",
    "/manager/stock/adjust",
    "/manager/counts",
    "/manager/stock/low",
    "/manager/reports",
    "/manager/sync",
    "/manager/audit",
    "/manager/locks",
    "/manager/kiosks",
    "/manager/staff",
]


def test_the_manager_screens_fit(server: StoreServer, till_screen: Any, screens: Path) -> None:
    d = till_screen
    page = LayoutTill(d, server)
    d.get(f"{server.url}/manager/stock")
    if page.focused_id() == "staff_code" or d.find_elements(By.ID, "staff_code"):
        page.until(lambda: page.focused_id() == "staff_code", "the manager's sign-in")
        page.keys("9001", Keys.TAB, "4321", Keys.ENTER)
    page.until(lambda: d.current_url.endswith("/manager/stock") and d.find_elements(By.CSS_SELECTOR, "main table"))
    found = []
    for path in MANAGER_PAGES:
        d.get(server.url + path)
        page.until(lambda: d.find_elements(By.CSS_SELECTOR, "header.top nav"), f"{path} shows its top bar")
        found += [f"{path}: {p}" for p in problems(d, ["header.top", "header.top nav"], ["#lang-switch"])]
        found += [f"{path}: {p}" for p in d.execute_script(TABLES_JS)]
        found += [f"{path}: {p}" for p in d.execute_script(TOP_BAR_JS)]
    # Every section in two clicks at most, in either language (Bahasa Indonesia's words are the longer).
    try:
        for lang in ("en", "id"):
            d.get(f"{server.url}/manager/stock/low?lang={lang}")
            page.until(lambda: d.find_elements(By.CSS_SELECTOR, "header.top details.more"), "the top bar")
            found += [f"{lang}: {p}" for p in d.execute_script(TOP_BAR_JS)]
            found += [f"{lang}: {p}" for p in menu_problems(d, page)]
            d.save_screenshot(str(screens / f"layout-manager-menu-{size_id(d.size)}-{lang}.png"))
            d.execute_script("document.querySelector('header.top details.more').open = false;")
    finally:
        d.get(f"{server.url}/manager/stock?lang=id")  # the next test on this browser reads Bahasa Indonesia
    assert not found, f"{size_id(d.size)}: {found}"


# The manager's top bar (and head office's) is one row, as tall as one of its links, and marks the page shown: its
# link in the row, or More when the page is under it.
TOP_BAR_JS = """
const bar = document.querySelector("header.top"), nav = bar.querySelector("nav"), out = [];
const row = [...nav.children].filter((el) => el.getBoundingClientRect().width > 0);
const tall = Math.max(...row.map((el) => el.getBoundingClientRect().height));
const h = bar.getBoundingClientRect().height;
if (h > tall * 1.5) out.push(`the top bar is ${Math.round(h)} px tall, its links ${Math.round(tall)} px: more than one row`);
if (new Set(row.map((el) => Math.round(el.getBoundingClientRect().top))).size > 1) out.push("the sections wrap");
for (const el of bar.children) {
  if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== "ellipsis")
    out.push(`${el.className || el.tagName} is cut off`);
}
const here = nav.querySelector("a[aria-current=page]");
if (here && here.getBoundingClientRect().width === 0) {
  const more = nav.querySelector("details.more summary");
  if (getComputedStyle(more).boxShadow === "none") out.push(`More does not say that ${here.textContent} is under it`);
}
return out;
"""

# One section's link: [] when it is in sight and what a click at its centre reaches, else its problem.
REACHED_JS = """
const a = arguments[0], r = a.getBoundingClientRect();
if (r.width < 1 || r.height < 1) return ["not shown"];
if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) return ["outside"];
const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
return hit && a.contains(hit) ? [] : [`covered by ${hit ? hit.tagName + "." + hit.className : "nothing"}`];
"""


def menu_problems(d: Any, page: Any, sections: int = len(NAV)) -> list[str]:
    """Each section of the manager's screens (or of head office's: `sections` of them) is one click away (a link in
    the row) or two (More, then its link); More opens by touch or click and by the keyboard, and Esc closes it.
    `page.until(condition, what)` waits for the page."""
    links = d.find_elements(By.CSS_SELECTOR, "header.top nav a")
    hrefs = {a.get_attribute("href") for a in links}
    out = [] if len(hrefs) == sections else [f"the menu links {len(hrefs)} sections of {sections}"]
    more = d.find_element(By.CSS_SELECTOR, "header.top details.more")
    summary = more.find_element(By.TAG_NAME, "summary")
    row = [a for a in d.find_elements(By.CSS_SELECTOR, "header.top nav > a") if a.is_displayed()]
    for a in row:
        out += [f"{a.text}: {p}" for p in d.execute_script(REACHED_JS, a)]
    in_row = {a.get_attribute("href") for a in row}
    summary.click()  # a touch or a click
    page.until(lambda: more.get_attribute("open") is not None, "More opens")
    shown = [a for a in more.find_elements(By.CSS_SELECTOR, ".menu a") if a.is_displayed()]
    for a in shown:
        out += [f"More, {a.text}: {p}" for p in d.execute_script(REACHED_JS, a)]
    under_more = {a.get_attribute("href") for a in shown}
    if in_row & under_more:
        out.append(f"in the row and under More both: {sorted(in_row & under_more)}")
    if hrefs - in_row - under_more:
        out.append(f"neither in the row nor under More: {sorted(hrefs - in_row - under_more)}")
    summary.send_keys(Keys.ESCAPE)
    page.until(lambda: more.get_attribute("open") is None, "Esc closes More")
    summary.send_keys(Keys.ENTER)  # the keyboard's way in
    page.until(lambda: more.get_attribute("open") is not None, "Enter on More opens it")
    d.find_element(By.CSS_SELECTOR, "main h1").click()
    page.until(lambda: more.get_attribute("open") is None, "a click elsewhere closes More")
    summary.send_keys(Keys.ENTER)
    page.until(lambda: more.get_attribute("open") is not None, "More again")
    return out


class KioskPage:
    def __init__(self, driver: Any, server: StoreServer) -> None:
        self.d = driver
        server.open_kiosk(driver)
        self.till = LayoutTill(driver, server)  # for its waits
        self.till.until(lambda: "ready" in self.body().get_attribute("class"), "the kiosk script started")

    def body(self) -> Any:
        return self.d.find_element(By.TAG_NAME, "body")

    def screen(self) -> str:
        return str(self.body().get_attribute("data-screen"))

    def keyboard_problems(self, keyboard: str) -> list[str]:
        """The keyboard's last row inside the window, each of its keys reached by a touch (not the footer's)."""
        return list(
            self.d.execute_script(
                """
const kb = document.getElementById(arguments[0]), out = [], vh = innerHeight, vw = innerWidth;
const row = kb.querySelector(".kb-row:last-child");
for (const key of row.querySelectorAll(".kb-key:not([hidden])")) {
  const r = key.getBoundingClientRect();
  if (r.bottom > vh + 0.5 || r.right > vw + 0.5 || r.top < 0) out.push(`${key.dataset.key} at ${Math.round(r.bottom)} of ${vh}`);
  for (const y of [r.top + 4, (r.top + r.bottom) / 2, r.bottom - 4]) {
    const hit = document.elementFromPoint((r.left + r.right) / 2, y);
    if (!hit || !key.contains(hit)) { out.push(`${key.dataset.key} is covered by ${hit ? hit.tagName + "." + hit.className : "nothing"}`); break; }
  }
}
if (document.documentElement.scrollWidth > vw) out.push("the page is wider than the window");
return out;
""",
                keyboard,
            )
        )


def test_the_kiosk_keyboards_bottom_row_is_above_the_footer(
    server: StoreServer, kiosk_screen: Any, screens: Path
) -> None:
    kiosk = KioskPage(kiosk_screen, server)
    where = size_id(kiosk_screen.size)
    kiosk.d.find_element(By.CSS_SELECTOR, ".search-open").click()
    kiosk.till.until(lambda: kiosk.screen() == "search", "the search screen")
    for key in "TEH":
        kiosk.d.find_element(By.CSS_SELECTOR, f"#search-keyboard [data-key='{key}']").click()
    kiosk.till.until(lambda: kiosk.d.find_elements(By.CSS_SELECTOR, "#search-results .tile-product"), "results")
    found = kiosk.keyboard_problems("search-keyboard")
    kiosk.d.save_screenshot(str(screens / f"layout-kiosk-search-{where}.png"))

    kiosk.d.find_element(By.ID, "tile-online").click() if kiosk.screen() == "welcome" else kiosk.d.find_element(
        By.CSS_SELECTOR, ".brand"
    ).click()
    kiosk.till.until(lambda: kiosk.screen() == "welcome")
    kiosk.d.find_element(By.ID, "tile-online").click()
    kiosk.till.until(lambda: kiosk.screen() == "online", "the online cart screen")
    found += kiosk.keyboard_problems("online-keyboard")

    kiosk.d.find_element(By.CSS_SELECTOR, ".brand").click()
    kiosk.till.until(lambda: kiosk.screen() == "welcome")
    kiosk.d.find_element(By.ID, "tile-points").click()
    kiosk.till.until(lambda: kiosk.screen() == "points")
    kiosk.d.find_element(By.ID, "signup-open").click()
    kiosk.till.until(lambda: kiosk.till.shown("signup"), "the sign-up form and its keyboard")
    kiosk.d.save_screenshot(str(screens / f"layout-kiosk-signup-{where}.png"))
    found += kiosk.keyboard_problems("signup-keyboard-name")
    assert not found, f"{where}: {found}"


def test_a_kiosk_toast_goes_after_its_time_and_at_the_next_touch(server: StoreServer, kiosk_screen: Any) -> None:
    kiosk = KioskPage(kiosk_screen, server)
    toast_shown = lambda: kiosk.till.shown("toast")  # noqa: E731
    kiosk.body().send_keys("8991234567890", Keys.ENTER)  # a barcode the store does not sell
    kiosk.till.until(
        lambda: toast_shown() and "8991234567890" in kiosk.till.text("toast"), "the unknown barcode says so"
    )
    if kiosk_screen.size == KIOSK_SIZES[0]:  # its 4 seconds are the same at every size: waited out at one
        kiosk.till.until(lambda: not toast_shown(), "the toast goes by itself")
        kiosk.body().send_keys("8991234567890", Keys.ENTER)
        kiosk.till.until(toast_shown, "the toast again")
    kiosk.d.find_element(By.CSS_SELECTOR, ".search-open").click()  # the shopper's next touch
    assert not toast_shown(), "the next touch takes the toast away"


# The scan field's placeholder (what to type, and 3* for a quantity) fits the field whole.
PLACEHOLDER_JS = """
const f = document.getElementById("scan"), s = getComputedStyle(f, "::placeholder"), box = getComputedStyle(f);
const ctx = document.createElement("canvas").getContext("2d");
ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
const room = f.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
const need = ctx.measureText(f.placeholder).width;
return need <= room ? [] : [`the placeholder "${f.placeholder}" needs ${Math.ceil(need)} px, the field has ${room}`];
"""


def test_the_till_in_english_fits_its_scan_hint_and_key_labels(server: StoreServer, till_screen: Any) -> None:
    till = LayoutTill(till_screen, server)
    till.on_an_empty_sale()
    till.d.get(f"{server.url}/till?lang=en")
    till.until(lambda: till.shown("screen-sale") and till.text("scan-label") == "SCAN", "the till in English")
    found = list(till.d.execute_script(PLACEHOLDER_JS)) + list(till.d.execute_script(KEYBAR_JS))
    till.d.get(f"{server.url}/till?lang=id")  # the other tests of this browser read the till in Indonesian
    till.until(lambda: till.shown("screen-sale") and till.text("scan-label") == "PINDAI", "the till in Indonesian")
    assert not found, f"{size_id(till_screen.size)}: {found}"
