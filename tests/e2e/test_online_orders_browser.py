"""The store's online-orders screen in a real browser: a paid pickup order that reached the store through the feed
is picked by scanning each item, packed and handed over against the shopper's code; another is handed over at the
till by scanning the shopper's order QR. Each step is an outbox event for central."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select
from test_manager_browser import Page, store_beside
from test_till_browser import Till

from common import fulfilment
from pos.adapters.tables import OutboxEvent, StockMovement
from sync_agent.online_order_apply import TOPICS

AQUA_330, AQUA_600 = "8990000100010", "8990000100027"  # SKU-00001 Rp 3.500, SKU-00002 Rp 4.500


def feed_order(ctx: Any, number: str, code: str, lines: list[tuple[str, str, int, int]], status: str) -> str:
    """An order as central's feed brings it (the agent's own apply, on the served database)."""
    order_id = f"00000000-0000-4000-8000-{abs(hash(number)) % 10**12:012d}"
    data = {
        "id": order_id,
        "number": number,
        "mode": "pickup",
        "status": status,
        "code_hash": fulfilment.code_hash(code),
        "lines": [
            {"sku": sku, "name": name, "qty": qty, "unit_price": price, "net": price * qty}
            | ({"picked": qty} if status != "assigned" else {})
            for sku, name, qty, price in lines
        ],
        "total": sum(price * qty for _, _, qty, price in lines),
        "customer": "Ani",
        "paid_at": "2026-12-04T07:00:00",
    }
    with ctx.db.unit_of_work() as s:
        TOPICS["online_order"](s, data)
    return order_id


def packed_for_pickup(tmp_path: Path, number: str, code: str) -> None:
    """One Aqua 600ml order, paid and packed, waiting at the store for the shopper (with their `code`)."""
    ctx = store_beside(tmp_path)
    feed_order(ctx, number, code, [("SKU-00002", "Air Mineral Aqua 600ml", 1, 4_500)], "packed")
    ctx.db.dispose()


def events(ctx: Any) -> list[str]:
    with ctx.db.sessions() as s:
        return list(s.scalars(select(OutboxEvent.type).where(OutboxEvent.type.like("online_order.%"))))


def test_an_online_order_is_picked_by_scanning_packed_and_handed_over_by_code(
    store_server: Any, browser: Any, screens: Path, tmp_path: Path
) -> None:
    ctx = store_beside(tmp_path)
    lines = [("SKU-00001", "Air Mineral Aqua 330ml", 2, 3_500), ("SKU-00002", "Air Mineral Aqua 600ml", 1, 4_500)]
    order_id = feed_order(ctx, "OT-K7Q42P-1", "K7Q-42P", lines, "assigned")
    page = Page(browser(), store_server.url)
    page.go("/manager/orders")
    page.sign_in("9001", "4321")
    page.until(lambda: page.d.find_elements(By.ID, "open-orders"), "the open orders are listed")
    assert "OT-K7Q42P-1" in page.text("#open-orders") and "0/3" in page.text("#open-orders")
    page.el("#open-orders a").click()
    page.until(lambda: page.focused() == "scan", "the order's page waits for the first scan")

    def picked() -> list[str]:
        return [e.text for e in page.d.find_elements(By.CSS_SELECTOR, "#order-lines td.picked")]

    for barcode, expect in ((AQUA_330, ["1", "0"]), (AQUA_330, ["2", "0"]), (AQUA_600, ["2", "1"])):
        page.keys(barcode, Keys.ENTER)
        page.until(lambda expect=expect: picked() == expect and page.focused() == "scan", f"{barcode} is picked")
    assert "Air Mineral Aqua 600ml diambil untuk OT-K7Q42P-1" in page.flash()
    page.keys("8990000100058", Keys.ENTER)  # Le Minerale: not in the order
    page.until(lambda: "tidak ada di pesanan ini" in page.flash(), "a stray item is refused in Indonesian")
    page.screenshot(screens / "manager-online-order.png")

    page.el("#finish-pick").click()
    page.until(lambda: page.d.find_elements(By.ID, "pack"), "picked: the order can be packed")
    page.el("#pack").click()
    page.until(lambda: page.focused() == "handover-code", "packed: the page waits for the shopper's code")
    page.keys("ABC-234", Keys.ENTER)
    page.until(lambda: "Tidak ada pesanan online toko ini dengan kode ABC-234" in page.flash(), "a wrong code")
    page.keys("k7q42p", Keys.ENTER)  # typed from the shopper's phone, any case, no dash
    page.until(lambda: "sudah diserahkan ke pembeli" in page.flash(), "handed over")
    assert page.el("#order-status").get_attribute("data-status") == "collected"
    assert events(ctx) == ["online_order.picked", "online_order.packed", "online_order.handed_over"]
    with ctx.db.sessions() as s:
        moved = s.scalars(select(StockMovement.qty).where(StockMovement.ref_id == order_id)).all()
        assert sorted(moved) == [-2, -1]
        picked = json.loads(s.scalar(select(OutboxEvent.payload).where(OutboxEvent.type == "online_order.picked")))
        assert [(l["sku"], l["picked"]) for l in picked["lines"]] == [("SKU-00001", 2), ("SKU-00002", 1)]

    # At the till: the shopper shows the QR of another order, already packed; scanning it hands it over.
    feed_order(ctx, "OT-M8N23Q-1", "M8N-23Q", [("SKU-00002", "Air Mineral Aqua 600ml", 1, 4_500)], "packed")
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.until(  # the till lists what waits to be collected here
        lambda: "Pesanan online OT-M8N23Q-1 siap diambil" in till.text("kiosk-carts"), "the till shows the order"
    )
    till.keys("OO1.M8N23Q", Keys.ENTER)
    till.until(lambda: "Pesanan online OT-M8N23Q-1 diserahkan" in till.text("message"), "the till hands it over")
    assert till.line_count() == 0  # not a sale: the order was paid online
    till.until(lambda: "siap diambil" not in till.text("kiosk-carts"), "the collected order leaves the till's list")
    assert events(ctx)[-1] == "online_order.handed_over"
    ctx.db.dispose()


# The notice of an order waiting for pickup, against what the cashier works on: [] when nothing lies over anything.
NOTICE_JS = """
const box = (el) => el.getBoundingClientRect();
const over = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
const notice = document.querySelector("#kiosk-carts .kc-order"), out = [];
const n = box(notice);
for (const sel of [".lines-panel", ".total-panel", "#total"]) if (over(n, box(document.querySelector(sel)))) out.push(`over ${sel}`);
const row = document.querySelector("#lines tr.selected"), panel = box(document.querySelector(".lines-panel"));
const r = box(row);
if (r.top < panel.top - 0.5 || r.bottom > panel.bottom + 0.5) out.push("the newest line is out of sight");
const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
if (!hit || !row.contains(hit)) out.push("the newest line is covered");
return out;
"""

# With a dialog open: the dialog's own texts are what a touch reaches, and the notice is behind the dim.
UNDER_DIALOG_JS = """
const out = [], notice = document.querySelector("#kiosk-carts .kc-order").getBoundingClientRect();
const dim = document.elementFromPoint((notice.left + notice.right) / 2, (notice.top + notice.bottom) / 2);
if (dim && dim.closest("#kiosk-carts")) out.push("the notice lies over the dialog's dim");
for (const el of document.querySelectorAll("#dialog .dialog-hint, #dialog th, #dialog label")) {
  const r = el.getBoundingClientRect();
  if (r.width < 1) continue;
  const hit = document.elementFromPoint(r.left + 4, (r.top + r.bottom) / 2);
  if (!hit || !document.getElementById("dialog").contains(hit)) out.push(`${el.textContent.trim()} is covered`);
}
return out;
"""


def test_an_order_waiting_for_pickup_never_lies_over_the_lines_the_total_or_a_dialog(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    packed_for_pickup(tmp_path, "OT-P4R56S-1", "P4R-56S")
    till = Till(browser(1366, 768), store_server)
    till.open()
    till.sign_in_and_open_shift()
    token = till.token()
    sale = store_server.api("POST", "/sales", token).json()
    goods = [p for p in store_server.api("GET", "/products?q=a&limit=50", token).json()["items"] if p.get("barcode")]
    for p in [p for p in goods if p.get("measure", "unit") == "unit"][:13]:  # more lines than the panel shows
        res = store_server.api("POST", f"/sales/{sale['id']}/lines", token, json={"barcode": p["barcode"], "qty": 1})
        assert res.status_code in (200, 201), res.text
    till.open()
    till.until(lambda: till.line_count() == 13, "the reloaded till shows the sale, the newest line at the bottom")
    till.until(lambda: "OT-P4R56S-1" in till.text("kiosk-carts"), "the till shows the order waiting")
    till.until(lambda: till.d.execute_script(NOTICE_JS) == [], "the notice takes its own room")
    assert till.d.execute_script(NOTICE_JS) == []

    till.keys(Keys.F5)
    till.until(lambda: till.focused_id() == "tx-q", "F5 Transaksi")
    assert till.d.execute_script(UNDER_DIALOG_JS) == []
    till.keys(Keys.ESCAPE)
    till.until(lambda: till.focused_id() == "scan")


def test_the_till_takes_an_order_code_typed_without_its_dash_and_searches_a_word_that_is_no_code(
    store_server: Any, browser: Any, tmp_path: Path
) -> None:
    ctx = store_beside(tmp_path)
    feed_order(ctx, "OT-P56A7H-1", "P56-A7H", [("SKU-00002", "Air Mineral Aqua 600ml", 1, 4_500)], "packed")
    till = Till(browser(), store_server)
    till.open()
    till.sign_in_and_open_shift()
    till.until(lambda: "OT-P56A7H-1" in till.text("kiosk-carts"), "the till shows the order waiting")
    till.keys("p56a7h", Keys.ENTER)  # as the shopper reads it out: any case, no dash
    till.until(lambda: "Pesanan online OT-P56A7H-1 diserahkan" in till.text("message"), "the till hands it over")
    assert events(ctx)[-1] == "online_order.handed_over"
    # Six letters that could be a code but are no order's or cart's: the till searches the catalog for them.
    till.keys("sedaap", Keys.ENTER)
    till.until(lambda: "Mie Sedaap" in till.selected_result(), "the word is searched as typed")
    ctx.db.dispose()
