"""The manager screens over HTTP: sign-in for managers only, CSRF on every form, stock changes, counts, CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from sqlalchemy import select, text

from common.demo_data import ean13
from common.scale_labels import LabelLayout
from pos.adapters.tables import OutboxEvent, Staff, StockMovement
from pos.services import catalog, checkout, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext

AQUA_330 = "8990000100010"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
ERROR = re.compile(r'id="error">([^<]*)<')


class Browser:
    """Flask's test client as a manager's browser: keeps the cookie, reads the CSRF token off each page."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.csrf = ""

    def get(self, path: str, **kw: Any) -> Any:
        resp = self.client.get(path, **kw)
        assert resp.status_code < 500, resp.get_data(as_text=True)
        found = TOKEN.search(resp.get_data(as_text=True)) if resp.mimetype == "text/html" else None
        if found:
            self.csrf = found.group(1)
        return resp

    def post(self, path: str, data: dict[str, str], csrf: bool = True) -> Any:
        if csrf and not self.csrf:
            self.get("/manager/sign-in")
        resp = self.client.post(path, data={**data, **({"csrf_token": self.csrf} if csrf else {})})
        assert resp.status_code < 500, resp.get_data(as_text=True)
        return resp

    def sign_in(self, code: str = "9001", pin: str = "4321") -> Any:
        self.get("/manager/sign-in")
        return self.post("/manager/sign-in", {"staff_code": code, "pin": pin})


def error_of(resp: Any) -> str:
    found = ERROR.search(resp.get_data(as_text=True))
    return found.group(1) if found else ""


def state(store: StoreContext) -> dict[str, Any]:
    tables = (
        "stock_movements",
        "outbox",
        "audit_log",
        "stock_counts",
        "stock_count_lines",
        "low_stock_thresholds",
        "counters",
    )
    with store.db.engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in tables}


@pytest.fixture
def web(store: StoreContext) -> Browser:
    from pos.web.app import create_app

    return Browser(create_app(store.config, store.db))


@pytest.fixture
def mgr(web: Browser) -> Browser:
    assert web.sign_in().status_code == 302
    return web


def on_hand(store: StoreContext, sku: str = "SKU-00001") -> int:
    return catalog.stock_card(store, sku)["on_hand"]


PAGES = [
    "/manager/stock",
    "/manager/stock/low",
    "/manager/stock/receive",
    "/manager/stock/adjust",
    "/manager/counts",
    "/manager/reports",
    "/manager/sync",
    "/manager/audit",
    "/manager/shifts",
    f"/manager/stock/item/{AQUA_330}",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_manager_page_sends_a_stranger_to_sign_in(web: Browser, path: str) -> None:
    resp = web.get(path)
    assert resp.status_code == 302 and "/manager/sign-in" in resp.headers["Location"]


def test_a_cashier_is_refused_with_a_clear_message_and_nothing_changes(web: Browser, store: StoreContext) -> None:
    before = state(store)
    with store.db.sessions() as s:
        staff_before = [(x.code, x.failed_attempts, x.locked_until) for x in s.scalars(select(Staff))]
    resp = web.sign_in("1001", "1234")
    assert resp.status_code == 403
    assert error_of(resp) == (
        "Staf 1001 (Siti Rahayu) bukan manajer: layar manajer hanya untuk manajer. Minta manajer untuk masuk."
    )
    assert web.get("/manager/stock").status_code == 302  # still not signed in
    assert state(store) == before
    with store.db.sessions() as s:
        assert [(x.code, x.failed_attempts, x.locked_until) for x in s.scalars(select(Staff))] == staff_before


def test_a_wrong_pin_is_refused_and_counted(web: Browser) -> None:
    resp = web.sign_in("9001", "0000")
    assert resp.status_code == 401 and error_of(resp) == "Kode staf atau PIN salah."


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(mgr: Browser, store: StoreContext) -> None:
    before = state(store)
    resp = mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-1", "code": AQUA_330, "qty": "5"}, csrf=False)
    assert resp.status_code == 400 and "Muat ulang halaman" in error_of(resp)
    assert state(store) == before


def test_a_manager_receives_stock_by_scanning(mgr: Browser, store: StoreContext) -> None:
    before = on_hand(store)
    resp = mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-2026-11", "code": AQUA_330, "qty": ""})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/manager/stock/receive?ref=SJ-2026-11")
    page = mgr.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"Diterima Air Mineral Aqua 330ml: +1 (stok {before} → {before + 1})." in page
    assert "Diterima dengan SJ-2026-11" in page and 'id="scan"' in page
    assert on_hand(store) == before + 1


def test_a_negative_received_quantity_is_refused_on_the_page_and_changes_nothing(
    mgr: Browser, store: StoreContext
) -> None:
    before = state(store)
    resp = mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-1", "code": AQUA_330, "qty": "-5"})
    assert resp.status_code == 422
    assert error_of(resp) == "Jumlah harus bilangan bulat lebih dari 0 (tertulis: -5). Tidak ada yang diubah."
    assert 'value="SJ-1"' in resp.get_data(as_text=True)  # the form keeps what was typed
    assert state(store) == before


def test_an_adjustment_without_a_reason_is_refused_and_one_with_a_reason_shows_before_and_after(
    mgr: Browser, store: StoreContext
) -> None:
    before_state, have = state(store), on_hand(store)
    resp = mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "2", "reason": ""})
    assert resp.status_code == 422 and error_of(resp).startswith("Pilih alasan")
    assert state(store) == before_state
    resp = mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "2", "reason": "damaged", "note": "penyok"})
    assert resp.status_code == 302
    assert f"Air Mineral Aqua 330ml: -2 (Rusak), stok {have} → {have - 2}." in mgr.get(
        resp.headers["Location"]
    ).get_data(as_text=True)


def test_a_count_is_started_scanned_reviewed_posted_once(mgr: Browser, store: StoreContext) -> None:
    have = on_hand(store)
    resp = mgr.post("/manager/counts", {"category": "drinks"})
    count_url = resp.headers["Location"]
    mgr.post(f"{count_url}/lines", {"code": AQUA_330, "qty": str(have - 2)})
    review = mgr.get(count_url).get_data(as_text=True)
    assert 'id="net-variance" class="neg">-2<' in review
    assert mgr.post(f"{count_url}/post", {}).status_code == 302
    assert on_hand(store) == have - 2
    assert "Diposting" in mgr.get(count_url).get_data(as_text=True)

    before = state(store)
    again = mgr.post(f"{count_url}/post", {})
    assert again.status_code == 409
    assert re.fullmatch(r"Stok opname #\d+ sudah diposting oleh Dewi Lestari; tidak ada yang diubah\.", error_of(again))
    assert state(store) == before


def test_a_posted_count_says_its_items_and_its_kilograms_apart(mgr: Browser, store: StoreContext) -> None:
    # 2 bottles short and half a kilo of apples short: never "-502", the grams added to the bottles
    bottles, grams = on_hand(store), on_hand(store, "SKU-W0003")
    count_url = mgr.post("/manager/counts", {"category": ""}).headers["Location"]
    mgr.post(f"{count_url}/lines", {"code": AQUA_330, "qty": str(bottles - 2)})
    apples = f"{(grams - 500) // 1000},{(grams - 500) % 1000:03d}"  # typed in kg, as on the count screen
    mgr.post(f"{count_url}/lines", {"code": ean13(9_003), "qty": apples})
    posted = mgr.post(f"{count_url}/post", {})
    said = mgr.get(posted.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Stok opname #\d+ diposting: 2 produk, 2 disesuaikan, selisih bersih -2 · -0,500 kg\.", said)
    assert 'id="net-variance" class="neg">-2 · -0,500 kg<' in said
    assert (on_hand(store), on_hand(store, "SKU-W0003")) == (bottles - 2, grams - 500)
    # The item's ledger names the count as the page does, not as it is stored ("count #3").
    found = re.search(r"Stok opname #(\d+) diposting", said)
    assert found is not None
    number = found.group(1)
    ledger = mgr.get(f"/manager/stock/item/{AQUA_330}?lang=id").get_data(as_text=True)
    assert f"Stok opname #{number}" in ledger and f"count #{number}" not in ledger
    # The audit log says the same, the kilograms included.
    log = mgr.get("/manager/audit?action=stock_count_post").get_data(as_text=True)
    assert re.search(r"Stok opname #?\d+ diposting: 2 baris, selisih -2 unit · -0,500 kg", log), log


def test_the_audit_log_gives_a_weighed_adjustment_in_kg(mgr: Browser, store: StoreContext) -> None:
    mgr.post("/manager/stock/adjust", {"code": "SKU-W0003", "qty": "1,5", "reason": "damaged"})
    page = mgr.get("/manager/audit?action=stock_adjust").get_data(as_text=True)
    assert "Apel Fuji: 30,000 kg → 28,500 kg (-1,500 kg)" in page  # not "30000 → 28500 (-1500)"


def test_the_pages_speak_english_after_the_switch(mgr: Browser) -> None:
    assert "Stok menipis" in mgr.get("/manager/stock").get_data(as_text=True)
    assert "Low stock" in mgr.get("/manager/stock?lang=en").get_data(as_text=True)
    assert "Receive goods" in mgr.get("/manager/stock/receive").get_data(as_text=True)  # the choice is kept


def test_a_product_page_names_its_category_in_the_page_s_language(mgr: Browser) -> None:
    assert " · Minuman · Rp 3.500" in mgr.get(f"/manager/stock/item/{AQUA_330}").get_data(as_text=True)
    assert " · Drinks · Rp 3.500" in mgr.get(f"/manager/stock/item/{AQUA_330}?lang=en").get_data(as_text=True)


def test_amounts_read_as_rupiah(mgr: Browser) -> None:
    page = mgr.get(f"/manager/stock/item/{AQUA_330}").get_data(as_text=True)
    assert "Rp 3.500" in page


@pytest.mark.parametrize("path", PAGES)
def test_every_table_on_every_page_exports_to_csv(mgr: Browser, store: StoreContext, path: str) -> None:
    mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-1", "code": AQUA_330, "qty": "3"})
    page = mgr.get(path + ("?ref=SJ-1" if path.endswith("receive") else "")).get_data(as_text=True)
    tables = page.count('<section class="tbl"')
    links = re.findall(r'<a class="csv" href="([^"]+)"', page)
    assert len(links) == tables and (tables > 0 or path.endswith("adjust"))
    for link in links:
        resp = mgr.get(link.replace("&amp;", "&"))
        assert resp.status_code == 200 and resp.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows and all(rows[0])


def csv_rows(mgr: Browser, path: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(mgr.get(path).get_data(as_text=True).lstrip("\ufeff"))))


def test_the_stock_csv_has_plain_numbers_for_spreadsheets(mgr: Browser, store: StoreContext) -> None:
    body = mgr.get("/manager/stock.csv?q=Aqua+330").get_data(as_text=True).lstrip("\ufeff")
    row = next(r for r in csv.DictReader(io.StringIO(body)) if r["SKU"] == "SKU-00001")
    assert (row["Harga"], row["Satuan"], row["Stok"]) == ("3500", "pcs", str(on_hand(store)))


def test_the_stock_csv_gives_weighed_stock_in_kg_beside_a_unit_in_the_page_s_language(mgr: Browser) -> None:
    rows = csv_rows(mgr, "/manager/stock.csv")
    header, apel, aqua = (
        rows[0],
        next(r for r in rows if r[0] == "SKU-W0003"),
        next(r for r in rows if r[0] == "SKU-00001"),
    )
    assert header[:8] == ["SKU", "Barcode", "Nama", "Kategori", "Harga", "Satuan", "Stok", "Batas"]
    at = header.index("Stok")
    assert (apel[at - 1], apel[at]) == ("kg", "30") and aqua[at - 1] == "pcs"  # 30 kg of apples, not 30000
    english = csv_rows(mgr, "/manager/stock.csv?lang=en")
    assert english[0][:8] == ["SKU", "Barcode", "Name", "Category", "Price", "Unit", "On hand", "Level"]
    assert len(english[0]) == len(header)  # the same columns in the same order, whatever the language


def test_the_ledger_csv_neutralises_a_formula_and_keeps_negative_kg_as_numbers(mgr: Browser) -> None:
    evil = "=1+2+cmd|' /C calc'!A0"
    mgr.post("/manager/stock/receive", {"supplier_ref": evil, "code": "SKU-W0003", "qty": "0,75"})
    mgr.post("/manager/stock/adjust", {"code": "SKU-W0003", "qty": "1,25", "reason": "damaged"})
    header, *rows = csv_rows(mgr, "/manager/stock/item/SKU-W0003/ledger.csv")
    assert header == ["Waktu", "Jenis", "Alasan", "Satuan", "Jumlah", "Saldo", "Staf"]
    assert [(r[2], r[3], r[4], r[5]) for r in rows[:2]] == [
        ("Rusak", "kg", "-1.25", "29.5"),
        ("'" + evil, "kg", "0.75", "30.75"),  # shown as text: a spreadsheet does not run it
    ]


def test_the_report_page_draws_charts_beside_its_tables(mgr: Browser) -> None:
    page = mgr.get("/manager/reports?from=2026-11-01&to=2026-11-07").get_data(as_text=True)
    assert page.count('<section class="tbl"') == 9  # 8 reports and the QRIS to reconcile
    bad = mgr.get("/manager/reports?from=2026-11-09&to=2026-11-01")
    assert bad.status_code == 422 and error_of(bad) == "Tanggal mulai 09/11/2026 sesudah tanggal akhir 01/11/2026."


def test_best_sellers_rank_a_weighed_product_by_its_place_and_show_its_kilograms(
    mgr: Browser, store: StoreContext, open_till: Actor
) -> None:
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=LabelLayout().make("20", 103, 845))  # 0,845 kg
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"])
    checkout.complete(store, open_till, view["id"])
    page = mgr.get("/manager/reports").get_data(as_text=True)
    table = page[page.index('id="tbl-top_products"') :]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", table[: table.index("</table>")])  # the SKU cell is a link
    # place, name, sold, returned, kept, Neto
    assert cells[:6] == ["1", "Apel Fuji", "0,845 kg", "0 kg", "0,845 kg", "Rp 35.490"], cells[:6]


def test_the_sync_page_says_the_store_has_not_synced_yet(mgr: Browser, store: StoreContext) -> None:
    mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-1", "code": AQUA_330, "qty": "3"})
    page = mgr.get("/manager/sync").get_data(as_text=True)
    assert "Belum pernah sinkron" in page and 'id="outbox-depth"><span>Antrean belum terkirim</span><b>1<' in page
    with store.db.sessions() as s:
        assert s.scalar(select(OutboxEvent.type)) == "stock.received"


def test_the_audit_log_filters_by_action_and_staff(mgr: Browser, store: StoreContext) -> None:
    mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "1", "reason": "lost"})
    page = mgr.get("/manager/audit?action=stock_adjust&staff=9001").get_data(as_text=True)
    assert "Dewi Lestari (9001)" in page and "Alasan: Hilang" in page  # the reason in words, not reason=lost
    assert "Alasan: Hilang" not in mgr.get("/manager/audit?action=refund").get_data(as_text=True)
    with store.db.sessions() as s:
        assert s.scalar(select(StockMovement.reason).where(StockMovement.kind == "adjustment")) == "lost"


def test_signing_out_ends_the_session(mgr: Browser) -> None:
    mgr.get("/manager/stock")
    assert mgr.post("/manager/sign-out", {}).status_code == 302
    assert mgr.get("/manager/stock").status_code == 302


def test_a_share_on_the_english_report_is_written_in_the_store_s_number_format(
    mgr: Browser, store: StoreContext, open_till: Actor
) -> None:
    """One number format per store in both languages: "100,0%" beside "Rp 3.500", never "100.0%" in English."""
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_330)
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"])
    checkout.complete(store, open_till, view["id"])
    page = mgr.get("/manager/reports?lang=en").get_data(as_text=True)
    table = page[page.index('id="tbl-by_category"') :]
    table = table[: table.index("</table>")]
    assert ">100,0%<" in table and "100.0%" not in table
