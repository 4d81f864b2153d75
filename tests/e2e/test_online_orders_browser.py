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
    till.until(lambda: "Pesanan online OT-M8N23Q-1 diserahkan" in till.text("kiosk-carts"), "the till hands it over")
    assert till.line_count() == 0  # not a sale: the order was paid online
    till.until(lambda: "siap diambil" not in till.text("kiosk-carts"), "the collected order leaves the till's list")
    assert events(ctx)[-1] == "online_order.handed_over"
    ctx.db.dispose()
