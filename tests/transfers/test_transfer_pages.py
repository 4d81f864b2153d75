"""The manager's transfer screen over HTTP, in both languages: send from one store, receive at the other with
a difference, answer a request; bad input is a 4xx in the manager's words and changes nothing."""

from __future__ import annotations

from typing import Any

from synckit import central, pg_url  # noqa: F401
from transferkit import AQUA_330, on_hand, pair  # noqa: F401

from pos.services import transfers
from pos.web.app import create_app
from tests.central.test_central_admin import admin  # noqa: F401
from tests.integration.test_manager_pages import Browser, error_of

AQUA_330_BARCODE = "8990000100010"


def signed_in(ctx: Any) -> Browser:
    b = Browser(create_app(ctx.config, ctx.db))
    b.sign_in()
    return b


def test_send_on_one_screen_and_receive_with_a_difference_on_the_other(central, pair):
    a, b = pair
    screen_a, screen_b = signed_in(a.ctx), signed_in(b.ctx)
    page = screen_a.get("/manager/transfers?lang=en").get_data(as_text=True)
    assert "Stock transfers between stores" in page and 'value="TOKO-02"' in page
    stock = on_hand(a.ctx, AQUA_330)
    refused = screen_a.post(
        "/manager/transfers/new",
        {"mode": "send", "store": "TOKO-02", "code_0": AQUA_330_BARCODE, "qty_0": str(stock + 1)},
    )
    assert refused.status_code == 409 and f"only {stock} on hand" in error_of(refused)
    refused = screen_a.post(
        "/manager/transfers/new", {"mode": "send", "store": "TOKO-02", "code_0": AQUA_330_BARCODE, "qty_0": "-2"}
    )
    assert refused.status_code == 422 and on_hand(a.ctx, AQUA_330) == stock
    done = screen_a.post(
        "/manager/transfers/new", {"mode": "send", "store": "TOKO-02", "code_0": AQUA_330_BARCODE, "qty_0": "6"}
    )
    assert done.status_code == 302 and on_hand(a.ctx, AQUA_330) == stock - 6
    assert "Dalam perjalanan" in screen_a.get("/manager/transfers?lang=id").get_data(as_text=True)
    a.sync()
    b.sync()
    page = screen_b.get("/manager/transfers?lang=id").get_data(as_text=True)
    assert "Kiriman masuk" in page and "Konfirmasi penerimaan" in page
    transfer_id = page.split('data-transfer="')[1].split('"')[0]
    line_id = page.split('name="qty:')[1].split('"')[0]
    screen_b.post(f"/manager/transfers/{transfer_id}/receive", {f"qty:{line_id}": "5"})
    page = screen_b.get("/manager/transfers").get_data(as_text=True)  # the manager's language: Indonesian
    assert "diterima dengan selisih" in page and "Diterima" in page
    b.sync()
    a.sync()
    for screen in (screen_a, screen_b):
        page = screen.get("/manager/transfers?lang=en").get_data(as_text=True)
        assert "Open transfer differences" in page and "Air Mineral Aqua 330ml sent 6, received 5" in page
    csv = screen_a.get("/manager/transfers.csv").get_data(as_text=True)
    assert "TOKO-02" in csv or "Omnitoko" in csv


def test_the_central_admin_shows_what_is_in_transit_and_the_open_differences(central, pair, admin):
    a, b = pair
    moving = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 3)])
    short = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 4)])
    whole = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 2)])  # received in full: nothing to do
    a.sync()
    b.sync()
    for sent, got in ((short, 1), (whole, 2)):
        line = transfers.find(b.ctx, sent["id"])["lines"][0]["id"]
        transfers.receive(b.ctx, b.manager, sent["id"], {line: got})
    b.sync()
    page = admin.get("/admin/transfers").get_data(as_text=True)  # by default: what needs someone
    assert f'data-transfer="{moving["id"]}" data-state="sent"' in page
    assert f'data-transfer="{short["id"]}" data-state="difference"' in page and whole["id"] not in page
    difference = page[page.index(f'data-transfer="{short["id"]}"') :].split("</tr>")[0]
    assert "open difference" in difference and "Air Mineral Aqua 330ml: sent 4, received 1" in difference
    assert "Stock transfers between stores" in page and "1–2 of 2 transfers" in page
    everything = admin.get("/admin/transfers?status=all").get_data(as_text=True)
    assert f'data-transfer="{whole["id"]}" data-state="received"' in everything and "1–3 of 3" in everything


def csv_rows(resp: Any) -> list[list[str]]:
    import csv
    import io

    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"].startswith('attachment; filename="transfers-')
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))


def test_head_office_downloads_the_transfers_it_lists_as_csv_a_row_per_product(central, pair, admin):
    a, b = pair
    moving = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 3)])
    short = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 4)])
    whole = transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 2)])  # received in full: not listed, not in it
    a.sync()
    b.sync()
    for sent, got in ((short, 1), (whole, 2)):
        line = transfers.find(b.ctx, sent["id"])["lines"][0]["id"]
        transfers.receive(b.ctx, b.manager, sent["id"], {line: got})
    b.sync()
    page = admin.get("/admin/transfers").get_data(as_text=True)
    assert 'id="transfers-csv" href="/admin/transfers?format=csv"' in page
    head, *rows = csv_rows(admin.get("/admin/transfers?format=csv"))  # the admin reads English
    assert head == [
        "Transfer", "Status", "From", "To", "Sent", "Received", "SKU", "Product", "Unit", "Quantity sent",
        "Quantity received", "Difference (received - sent)",
    ]  # fmt: skip
    refs = [r[0] for r in rows]
    assert refs == [short["id"][:8].upper(), moving["id"][:8].upper()], "as the page lists them: newest sent first"
    aqua = "Air Mineral Aqua 330ml"
    assert rows[0][1:4] == ["open difference", "Omnitoko Kemang", "Omnitoko Depok"] and rows[0][4] and rows[0][5]
    assert rows[0][6:] == [AQUA_330, aqua, "pcs", "4", "1", "-3"]
    assert rows[1][1] == "in transit" and rows[1][5] == "" and rows[1][6:] == [AQUA_330, aqua, "pcs", "3", "", ""]
    head, *rows = csv_rows(admin.get("/admin/transfers?format=csv&lang=id"))
    assert head == [
        "Transfer", "Status", "Dari", "Ke", "Dikirim", "Diterima", "SKU", "Produk", "Satuan", "Jumlah dikirim",
        "Jumlah diterima", "Selisih (diterima - dikirim)",
    ]  # fmt: skip
    assert [r[1] for r in rows] == ["selisih belum selesai", "dalam perjalanan"]
    signed_out = central.extra["app"].test_client().get("/admin/transfers?format=csv")
    assert signed_out.status_code == 302 and "/admin/login" in signed_out.headers["Location"]
