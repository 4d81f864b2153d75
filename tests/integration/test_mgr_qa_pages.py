"""What a store manager met on a working day's pass over the manager screens, and now reads as a manager would."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from test_manager_pages import Browser, csv_rows, error_of

from common import fulfilment
from common.demo_data import ean13
from pos.adapters.tables import ReconciliationItem, RemoteStock, SyncStatus
from pos.services import cash_moves, catalog, checkout, refunds, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext
from sync_agent.online_order_apply import TOPICS

AQUA_330 = "8990000100010"
MANAGER = {"staff_code": "9001", "pin": "4321"}
APEL = ean13(9_003)  # SKU-W0003 Apel Fuji, weighed, 30 kg opening stock
ZERO_KG = re.compile(r"(?<![\d.,])0,000 kg")  # the scale's zero, not the end of "30,000 kg"


@pytest.fixture
def mgr(store: StoreContext) -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    return web


def sold(store: StoreContext, till: Actor, qty: int) -> dict:
    """A cash sale of `qty` Aqua 330ml at the till."""
    view, _ = till_sale.create_sale(store, till)
    view = till_sale.add_line(store, till, view["id"], barcode=AQUA_330, qty=qty)
    till_sale.add_tender(store, till, view["id"], "cash", view["total"])
    return checkout.complete(store, till, view["id"])


def cells_of(page: str, sku: str) -> list[str]:
    """The text of each cell in the table row of `sku`."""
    row = page[page.index(f">{sku}</a>") :]
    row = row[: row.index("</tr>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_weighed_product_with_none_left_reads_0_kg_not_0_000_kg(mgr: Browser, store: StoreContext) -> None:
    done = mgr.post("/manager/stock/adjust", {"code": APEL, "qty": "30", "reason": "damaged"})
    assert done.status_code == 302 and catalog.stock_card(store, "SKU-W0003")["on_hand"] == 0
    flash = mgr.get("/manager/stock/adjust").get_data(as_text=True)
    assert "30,000 kg → 0 kg" in flash and not ZERO_KG.search(flash)
    stock = mgr.get("/manager/stock?q=Apel+Fuji").get_data(as_text=True)
    assert "0 kg" in cells_of(stock, "SKU-W0003") and not ZERO_KG.search(stock)
    item = mgr.get("/manager/stock/item/SKU-W0003").get_data(as_text=True)
    assert "<b>0 kg</b>" in item and not ZERO_KG.search(item)
    low = mgr.get("/manager/stock/low").get_data(as_text=True)
    assert not ZERO_KG.search(low)


def test_the_refunds_report_says_why_in_words_on_the_page_and_in_its_csv(
    mgr: Browser, store: StoreContext, open_till: Actor
) -> None:
    sale = sold(store, open_till, 2)
    line = sale["lines"][0]["id"]
    refunds.refund(store, open_till, sale["number"], [(line, 1)], MANAGER, reason="changed_mind")  # the till's code
    page = mgr.get("/manager/reports").get_data(as_text=True)
    table = page[page.index('id="tbl-refunds"') :]
    assert "Pembeli berubah pikiran" in table and "changed_mind" not in table
    header, row = csv_rows(mgr, "/manager/reports/refunds.csv")
    assert (row[header.index("Pembayaran")], row[header.index("Alasan")]) == ("Tunai", "Pembeli berubah pikiran")
    header, row = csv_rows(mgr, "/manager/reports/refunds.csv?lang=en")
    assert (row[header.index("Tender")], row[header.index("Reason")]) == ("Cash", "Customer changed their mind")
    assert "Customer changed their mind" in mgr.get("/manager/reports?lang=en").get_data(as_text=True)


def test_a_ledger_csv_names_each_movement_as_the_page_does(mgr: Browser) -> None:
    mgr.post("/manager/stock/adjust", {"code": AQUA_330, "qty": "2", "reason": "damaged"})
    header, *rows = csv_rows(mgr, "/manager/stock/item/SKU-00001/ledger.csv")
    assert [r[header.index("Jenis")] for r in rows[:2]] == ["Penyesuaian", "Stok awal"]  # not "adjustment", "opening"


def packed_order(store: StoreContext, number: str, code: str, status: str = "packed") -> str:
    """A paid pickup order for one Aqua 600ml, packed (or still to pick), as central's feed brings it to the store."""
    order_id = "00000000-0000-4000-8000-000000000042"
    data = {
        "id": order_id,
        "number": number,
        "mode": "pickup",
        "status": status,
        "code_hash": fulfilment.code_hash(code),
        "lines": [{"sku": "SKU-00002", "name": "Air Mineral Aqua 600ml", "qty": 1, "unit_price": 4_500, "net": 4_500}],
        "total": 4_500,
        "customer": "Ani",
        "paid_at": "2026-12-04T07:00:00",
    }
    with store.db.unit_of_work() as s:
        TOPICS["online_order"](s, data | {"lines": [data["lines"][0] | {"picked": int(status == "packed")}]})
    return order_id


def test_a_wrong_code_on_an_order_s_page_is_refused_there_and_the_list_says_who_handed_it_over(
    mgr: Browser, store: StoreContext
) -> None:
    order_id = packed_order(store, "OT-K7Q42P-1", "K7Q-42P")
    page = mgr.get(f"/manager/orders/{order_id}").get_data(as_text=True)
    assert 'name="order" value="' + order_id in page
    wrong = mgr.post("/manager/orders/handover", {"code": "ZZZ-999", "order": order_id})
    assert wrong.status_code == 302 and wrong.headers["Location"].endswith(f"/manager/orders/{order_id}")
    again = mgr.get(f"/manager/orders/{order_id}").get_data(as_text=True)
    assert 'class="flash error"' in again and 'data-status="packed"' in again
    done = mgr.post("/manager/orders/handover", {"code": "K7Q-42P", "order": order_id})
    assert done.headers["Location"].endswith(f"/manager/orders/{order_id}")
    listed = mgr.get("/manager/orders").get_data(as_text=True)
    assert "<td>Layar manajer</td>" in listed and "BACKOFFICE" not in listed
    assert "<td>Manager screen</td>" in mgr.get("/manager/orders?lang=en").get_data(as_text=True)


def test_cancelling_an_online_order_asks_first_naming_the_order_and_the_money_back(
    mgr: Browser, store: StoreContext
) -> None:
    order_id = packed_order(store, "OT-K7Q42P-1", "K7Q-42P")
    page = mgr.get(f"/manager/orders/{order_id}").get_data(as_text=True)
    form = page[page.index('id="cancel-form"') :]
    assert 'data-confirm="Batalkan pesanan OT-K7Q42P-1? Pembeli menerima kembali Rp 4.500' in form[:400]


def test_a_wrong_address_or_a_missing_shift_is_a_page_in_the_manager_s_language(mgr: Browser) -> None:
    for path in ("/manager/no-such-page", "/manager/reports/no-such-table.csv", "/manager/sync/no-such-table.csv"):
        resp = mgr.get(path)
        assert resp.status_code == 404 and "Halaman ini tidak ada" in error_of(resp), path
        assert 'class="top"' in resp.get_data(as_text=True)  # the manager's menu, not Werkzeug's "Not Found"
    shift = mgr.get("/manager/shifts/no-such-shift")
    assert shift.status_code == 404 and error_of(shift) == "Shift ini tidak ditemukan: buka dari daftar Shift kasir."
    assert "There is no such page" in error_of(mgr.get("/manager/no-such-page?lang=en"))


def test_a_too_long_delivery_note_number_is_refused_in_the_manager_s_words(mgr: Browser) -> None:
    resp = mgr.post("/manager/stock/receive", {"supplier_ref": "SJ-" + "9" * 70, "code": AQUA_330, "qty": "1"})
    assert resp.status_code == 422
    assert error_of(resp) == "No. surat jalan/faktur paling panjang 64 karakter: ketik lebih pendek."


def test_central_s_reconciliation_items_read_in_the_manager_s_language_with_receipt_numbers_not_ids(
    mgr: Browser, store: StoreContext, open_till: Actor
) -> None:
    sale = sold(store, open_till, 1)
    transfer_id = "7f3a9c21-0000-4000-8000-000000000001"
    with store.db.unit_of_work() as s:  # as the agent applies them from central's feed
        s.add(
            ReconciliationItem(
                id="rec-below",
                kind="below_zero",
                sku="SKU-00001",
                ref_id=sale["id"],
                message="SKU-00001 at TOKO-01 is at -2 on hand: count the shelf and post the variance",
                detail=json.dumps({"location": "TOKO-01", "on_hand": -2, "occurrences": 1}),
            )
        )
        lines = [{"sku": "SKU-W0003", "sent": 2_500, "received": 2_000}]
        s.add(
            ReconciliationItem(
                id="rec-transfer",
                kind="transfer_difference",
                ref_id=transfer_id,
                message="transfer 7f3a9c21 from TOKO-02 to TOKO-01: SKU-W0003 sent 2500, received 2000. Find out",
                detail=json.dumps(
                    {"transfer_id": transfer_id, "from_store": "TOKO-02", "to_store": "TOKO-01", "lines": lines}
                ),
            )
        )
    page = mgr.get("/manager/sync").get_data(as_text=True)
    table = page[page.index('id="tbl-sync-reconciliation"') :]
    table = table[: table.index("</section>")]
    assert "Stok minus" in table and sale["number"] in table and sale["id"] not in table
    assert "Air Mineral Aqua 330ml terjual sampai stok -2: hitung raknya lalu posting selisihnya." in table
    assert "Selisih transfer" in table and "7F3A9C21" in table and transfer_id not in table
    assert "Transfer TOKO-02 → TOKO-01: Apel Fuji dikirim 2,500 kg, diterima 2,000 kg." in table
    assert "count the shelf" not in table and "below_zero" not in table
    header, *rows = csv_rows(mgr, "/manager/sync/reconciliation.csv?lang=en")
    assert {r[header.index("Kind")] for r in rows} == {"Below zero", "Transfer difference"}


def test_a_refused_new_staff_member_is_said_once_and_what_was_typed_stays(mgr: Browser) -> None:
    resp = mgr.post(
        "/manager/staff", {"code": "1001", "name": "Rina Wati", "role": "cashier", "pin": "5566", "pin_again": "5566"}
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code >= 400 and page.count("Kode staf 1001 sudah dipakai") == 1
    assert 'value="Rina Wati"' in page


def test_a_count_refuses_a_figure_that_is_no_number_saying_0_is_allowed(mgr: Browser) -> None:
    started = mgr.post("/manager/counts", {"category": "", "note": ""})
    count_url = started.headers["Location"]
    for typed in ("abc", "-3"):
        resp = mgr.post(count_url + "/lines", {"code": AQUA_330, "qty": typed})
        assert resp.status_code == 422 and error_of(resp) == (
            f"Ketik jumlah yang ada di rak: bilangan bulat 0 atau lebih (tertulis: {typed}). Tidak ada yang diubah."
        )
    assert mgr.post(count_url + "/lines", {"code": AQUA_330, "qty": "0"}).status_code == 302


def test_the_online_shop_s_stock_is_named_in_the_page_s_language_not_central_s_toko_online(
    mgr: Browser, store: StoreContext
) -> None:
    with store.db.unit_of_work() as s:  # as the agent keeps central's figures
        s.add(RemoteStock(sku="SKU-00001", location="ONLINE", location_name="Toko Online", qty=41))
        s.add(RemoteStock(sku="SKU-00001", location="TOKO-02", location_name="Omnitoko Depok", qty=55))
    english = mgr.get("/manager/stock?q=Aqua+330&lang=en").get_data(as_text=True)
    assert '<th class="num">Online shop</th>' in english and "Toko Online" not in english
    assert "Omnitoko Depok" in english
    item = mgr.get("/manager/stock/item/SKU-00001").get_data(as_text=True)
    assert "<span>Online shop</span>" in item and "Toko Online" not in item
    header = csv_rows(mgr, "/manager/stock.csv?q=Aqua+330&lang=id")[0]
    assert "Toko online" in header and "Omnitoko Depok" in header


def test_with_no_other_store_the_transfer_form_cannot_be_sent_and_says_why(mgr: Browser) -> None:
    page = mgr.get("/manager/transfers").get_data(as_text=True)
    button = page[page.index('id="transfer-submit"') :]
    button = button[: button.index(">")]
    assert "disabled" in button  # not a press that does nothing (an empty required list of stores)
    assert 'id="no-stores">Belum ada toko lain yang terdaftar di pusat.' in page


def test_a_count_refused_because_one_is_open_keeps_the_scope_and_note_and_links_the_open_one(mgr: Browser) -> None:
    first = mgr.post("/manager/counts", {"category": "drinks", "note": ""}).headers["Location"]
    resp = mgr.post("/manager/counts", {"category": "", "note": "opname akhir bulan"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "masih berjalan" in error_of(resp)
    assert 'value="opname akhir bulan"' in page
    assert f'<a href="{first}" id="still-open">' in page
    again = mgr.post("/manager/counts", {"category": "drinks", "note": "rak minuman"}).get_data(as_text=True)
    assert 'value="drinks" selected' in again and 'value="rak minuman"' in again


def test_an_order_handed_over_and_a_cash_move_waiting_to_sync_are_named_in_words(
    mgr: Browser, store: StoreContext, open_till: Actor
) -> None:
    order_id = packed_order(store, "OT-K7Q42P-1", "K7Q-42P")
    mgr.post("/manager/orders/handover", {"code": "K7Q-42P", "order": order_id})
    ledger = mgr.get("/manager/stock/item/SKU-00002").get_data(as_text=True)
    assert "<td>Pesanan online</td>" in ledger and "online_order" not in ledger
    cash_moves.record(store, open_till, reason="more_change", amount=50_000)  # cash in: no approval
    sync = mgr.get("/manager/sync?lang=en").get_data(as_text=True)
    assert "Cash in or out of a drawer" in sync and "cash.moved" not in sync


def test_picking_more_than_the_order_needs_says_so_and_finishing_short_asks_about_the_money_back(
    mgr: Browser, store: StoreContext
) -> None:
    order_id = packed_order(store, "OT-K7Q42P-1", "K7Q-42P", status="assigned")
    mgr.post(f"/manager/orders/{order_id}/scan", {"code": "SKU-00002", "qty": "2"})  # the order has 1
    page = mgr.get(f"/manager/orders/{order_id}").get_data(as_text=True)
    assert "Air Mineral Aqua 600ml: lebih banyak dari yang masih perlu diambil untuk pesanan ini" in page
    assert "sudah terambil semua" not in page  # nothing was picked yet
    form = page[page.index('/picked"') :]
    assert (
        'data-confirm="Selesai mengambil OT-K7Q42P-1 dengan barang yang kurang? Pembeli menerima kembali Rp 4.500'
        in form
    )


def test_an_error_the_agent_has_synced_past_says_so_beside_it(mgr: Browser, store: StoreContext) -> None:
    now = datetime(2026, 11, 23, 7, 0)
    with store.db.unit_of_work() as s:  # central did not answer at start-up; the next round went through
        s.execute(
            update(SyncStatus)
            .where(SyncStatus.id == 1)
            .values(last_round_at=now, last_success_at=now, last_error="cannot reach central", last_error_at=now)
        )
    page = mgr.get("/manager/sync").get_data(as_text=True)
    assert '<span id="error-over">· sesudahnya sinkron lagi</span>' in page
    with store.db.unit_of_work() as s:  # and one still failing says nothing of the kind
        s.execute(update(SyncStatus).where(SyncStatus.id == 1).values(last_error_at=now + timedelta(minutes=1)))
    assert "error-over" not in mgr.get("/manager/sync").get_data(as_text=True)


def test_a_refused_low_stock_level_stays_in_its_field_to_correct(mgr: Browser) -> None:
    resp = mgr.post("/manager/stock/item/SKU-00001/level", {"min_qty": "3,5"})  # Aqua is counted by the piece
    assert resp.status_code == 422 and 'name="min_qty" value="3,5"' in resp.get_data(as_text=True)


def test_a_csv_is_stamped_with_the_store_s_date_not_the_server_s_utc_one(mgr: Browser) -> None:
    served = mgr.client.application.extensions["omnitoko"]  # the store context the pages run on
    served.clock = lambda: datetime(2026, 11, 23, 20, 0)  # 03:00 on the 24th in Jakarta
    resp = mgr.get("/manager/stock/low.csv")
    assert resp.headers["Content-Disposition"] == 'attachment; filename="low-stock-2026-11-24.csv"'
