"""The head office's admin pages as an Indonesian-speaking operator reads them: refusals and store health in words
and store names, not central's English, codes or snake_case; irreversible buttons ask first."""

from __future__ import annotations

import re

import pytest
from checkkit import pusher
from sqlalchemy import select, update
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401
from test_central_admin import admin, csrf  # noqa: F401

from central.services import catalog
from central.services import push as push_service
from central.tables import StockLevel, Store


def _table(html: str, table: str) -> str:
    body = re.search(rf'<table id="{table}">.*?</table>', html, re.S)
    assert body is not None
    return body.group(0)


def _shown(html: str) -> str:
    """The text a reader sees without opening a <details>."""
    html = re.sub(r"<details>.*?</details>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_refused_events_and_store_health_on_the_indonesian_dashboard_are_in_indonesian_with_store_names(
    admin,  # noqa: F811
    central,  # noqa: F811
):
    p = pusher(central, STORE)
    sale = sale_payload(STORE, 1)
    sale["total"] = sale["paid"] = sale["tenders"][0]["amount"] = sale["total"] + 5000  # totals that do not add up
    p.push("sale.completed", sale)
    push_service.push(central.ctx, STORE, "x", [make_event(2, sale_payload(STORE, 2, skus=["SKU-NEW-1"]))])
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(reported_printer="error"))
    html = admin.get("/admin/?lang=id").get_data(as_text=True)

    stores_row = _shown(_table(html, "stores"))
    assert "Penjualan memiliki total yang tidak sama dengan jumlah baris-barisnya" in stores_row
    assert "refused" not in stores_row and "totals_do_not_add_up" not in stores_row and "the lines" not in stores_row
    health = _shown(_table(html, "store-health"))
    assert "Omnitoko Kemang TOKO-01" in health and "bermasalah" in health and "error" not in health
    dead = _shown(_table(html, "dead-letters"))
    assert "SKU tidak ditemukan" in dead and "Omnitoko Kemang" in dead
    assert "unknown_sku" not in dead and "not in the central catalog" not in dead and "the lines" not in dead
    assert "SKU-NEW-1 is not in the central catalog" in _table(html, "dead-letters")  # the detail, one click away

    english = admin.get("/admin/?lang=en").get_data(as_text=True)
    assert "Sale has totals its lines do not add up to" in _shown(_table(english, "stores"))
    assert "SKU SKU-NEW-1 is not in the central catalog" in _shown(_table(english, "dead-letters"))


def _asks(html: str, action: str) -> str:
    """The question the form posting to `action` asks before it is sent ("" when it asks none): its data-confirm,
    which the page's script (static/central/admin.js: kit.js askBeforeActing) asks before the form is sent."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>', html)
    assert form is not None, action
    assert '<script type="module" src="/static/central/admin.js">' in html, "the script that asks"
    asks = re.search(r'data-confirm="([^"]*)"', form.group(0))
    return asks.group(1) if asks else ""


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_discarding_a_dead_letter_or_ending_a_promotion_asks_first_in_the_admins_language(admin, central):  # noqa: F811
    poison = make_event(1, sale_payload(STORE, 1, skus=["SKU-NEW-1"]))
    push_service.push(central.ctx, STORE, "x", [poison])
    html = admin.get("/admin/?lang=id").get_data(as_text=True)
    assert "tidak bisa dibatalkan" in _asks(html, f"/admin/dead-letters/{poison.event_id}/discard")
    assert _asks(html, f"/admin/dead-letters/{poison.event_id}/retry") == ""  # retrying loses nothing: no question
    page = admin.get("/admin/promotions").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "name": "Diskon air", "kind": "amount", "value": "500", "skus": "SKU-00001"}
    assert admin.post("/admin/promotions", data=form).status_code == 302
    promo = catalog.promotions(central.ctx)[0]
    page = admin.get("/admin/promotions").get_data(as_text=True)
    assert _asks(page, f"/admin/promotions/{promo['id']}/end").startswith("Hentikan promosi Diskon air?")
    english = admin.get("/admin/promotions?lang=en").get_data(as_text=True)
    assert _asks(english, f"/admin/promotions/{promo['id']}/end").startswith("End the promotion Diskon air?")


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_products_page_says_it_shows_the_first_hundred_and_its_csv_holds_every_product_found(admin, central):  # noqa: F811
    for i in range(1, 106):
        catalog.save_product(central.ctx, f"SKU-QA-{i:03d}", name=f"Teh Uji {i}", price=1_234_500, create=True)
    page = admin.get("/admin/products?lang=id&q=teh+uji").get_data(as_text=True)
    assert "Menampilkan 100 dari 105 produk" in page
    assert '<th class="num">Harga</th>' in page and '<td class="num">Rp 1.234.500</td>' in page  # one edge
    assert page.count("SKU-QA-") >= 100 and "SKU-QA-105" not in page
    sheet = admin.get("/admin/products?q=teh+uji&format=csv")
    assert sheet.mimetype == "text/csv" and "attachment" in sheet.headers["Content-Disposition"]
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("SKU,Nama,Barcode,Kategori,Kelompok pajak,Harga (Rp)")
    assert len(lines) == 106 and lines[-1].startswith("SKU-QA-105,Teh Uji 105,,,PPN,1234500,")
    nothing = admin.get("/admin/products?q=zzz-tidak-ada").get_data(as_text=True)
    assert "Tidak ada produk yang cocok dengan" in nothing


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_dashboards_reconciliation_count_leads_to_the_open_tasks_said_in_indonesian(admin, central):  # noqa: F811
    quiet = admin.get("/admin/?lang=id").get_data(as_text=True)
    assert "Tidak ada tugas terbuka." in _table(quiet, "reconciliation-items")
    sku = "SKU-00001"  # Rp 3.500, the price the kit's sales are at (another would raise a price task too)
    with central.ctx.db.sessions() as s:  # the store's stock of it, sold three times over: below zero
        have = int(s.scalar(select(StockLevel.on_hand).where(StockLevel.location == STORE, StockLevel.sku == sku)))
    events = [make_event(i, sale_payload(STORE, i, skus=[sku], qty=have)) for i in (1, 2, 3)]
    push_service.push(central.ctx, STORE, "x", events)
    html = admin.get("/admin/?lang=id").get_data(as_text=True)
    assert '<a href="#reconciliation">1</a>' in _table(html, "stores")
    tasks = _shown(_table(html, "reconciliation-items"))
    name = catalog.get_product(central.ctx, sku)["name"]
    assert "Omnitoko Kemang TOKO-01" in tasks and "Stok minus" in tasks
    assert f"{name} terjual sampai stok -{2 * have}: toko perlu menghitung raknya." in tasks
    assert "count the shelf" not in tasks and "below_zero" not in tasks
    english = _shown(_table(admin.get("/admin/?lang=en").get_data(as_text=True), "reconciliation-items"))
    assert f"{name} was sold down to -{2 * have} on hand" in english


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_switching_language_keeps_the_days_or_search_asked_for(admin, central):  # noqa: F811
    page = admin.get("/admin/sales?from=2026-11-01&to=2026-11-07&lang=id").get_data(as_text=True)
    switch = re.search(r'<a id="lang-switch" href="([^"]+)"', page)
    assert switch is not None and switch.group(1) == "?from=2026-11-01&amp;to=2026-11-07&amp;lang=en"
    page = admin.get("/admin/members?q=0812+3456").get_data(as_text=True)
    assert 'id="lang-switch" href="?q=0812+3456&amp;lang=en"' in page


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_settlement_days_typed_back_to_front_stay_in_the_form_and_show_no_other_days_and_the_days_export(
    admin, central
):  # noqa: F811
    wrong = admin.get("/admin/settlements?from=2026-11-10&to=2026-11-01&lang=id")
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 400 and "Tanggal awal setelah tanggal akhir" in html
    assert 'name="from" value="10/11/2026"' in html and 'name="to" value="01/11/2026"' in html
    assert 'id="settlement-days"' not in html  # not some other fortnight's figures as if they were the ones asked
    sheet = admin.get("/admin/settlements?from=2026-11-01&to=2026-11-03&format=csv")
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert sheet.mimetype == "text/csv" and lines[0].startswith("Tanggal,Diselesaikan gateway,Penjualan tercatat")
    assert lines[1:] == ["2026-11-03,0,0,0,0,0", "2026-11-02,0,0,0,0,0", "2026-11-01,0,0,0,0,0"]


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_an_admin_address_that_does_not_exist_is_said_on_an_admin_page_in_the_admins_language(admin, central):  # noqa: F811
    lost = admin.get("/admin/stok-lama?lang=id")
    html = lost.get_data(as_text=True)
    assert lost.status_code == 404 and "Tidak ada halaman admin di /admin/stok-lama." in html
    assert "Not Found" not in html and 'href="/admin/"' in html
    assert admin.get("/api/v1/nope").get_json()["error"]["code"] == "not_found"  # the API keeps its JSON
    signed_out = central.extra["app"].test_client().get("/admin/stok-lama")
    assert signed_out.status_code == 302 and "/admin/login" in signed_out.headers["Location"]


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_stores_oldest_unsent_event_reads_as_hours_not_thousands_of_seconds(admin, central):  # noqa: F811
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(reported_outbox_oldest_seconds=7200))
    assert "2 jam" in _shown(_table(admin.get("/admin/?lang=id").get_data(as_text=True), "store-health"))
    english = _shown(_table(admin.get("/admin/?lang=en").get_data(as_text=True), "store-health"))
    assert "2 hours" in english and "7200" not in english


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_retrying_or_discarding_a_refused_sale_says_which_sale_in_words_not_its_uuid(admin, central):  # noqa: F811
    poison = make_event(1, sale_payload(STORE, 1, skus=["SKU-NEW-1"]))
    push_service.push(central.ctx, STORE, "x", [poison])
    page = admin.get("/admin/?lang=id").get_data(as_text=True)
    retried = admin.post(f"/admin/dead-letters/{poison.event_id}/retry", data={"csrf_token": csrf(page)})
    said = _shown(admin.get(retried.headers["Location"]).get_data(as_text=True))
    assert "Penjualan no. 1 dari Omnitoko Kemang masih ditolak: SKU tidak ditemukan." in said
    assert poison.event_id not in said and "not in the central catalog" not in said
    admin.post(f"/admin/dead-letters/{poison.event_id}/discard", data={"csrf_token": csrf(page)})
    assert "Penjualan no. 1 dari Omnitoko Kemang dibuang." in admin.get("/admin/").get_data(as_text=True)
    again = admin.post(f"/admin/dead-letters/{poison.event_id}/discard", data={"csrf_token": csrf(page)})
    twice = admin.get(again.headers["Location"]).get_data(as_text=True)
    assert "Transaksi ini sudah diselesaikan sebelumnya" in twice and "was already" not in twice


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_dashboards_counts_are_grouped_and_right_aligned_under_right_aligned_headings(admin, central):  # noqa: F811
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(last_seq=12_345, reported_outbox_depth=1_500))
    html = admin.get("/admin/?lang=id").get_data(as_text=True)
    assert '<td class="num">12.345</td>' in _table(html, "stores")
    assert '<td class="num warn">1.500</td>' in _table(html, "store-health")
    for table, heading in (("stores", "Event sinkron diterima"), ("store-health", "Antrean kirim")):
        assert f'<th class="num">{heading}</th>' in _table(html, table)


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_a_sync_round_and_a_clock_read_with_the_admins_decimal_mark_and_unit(admin, central):  # noqa: F811
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(reported_round_seconds=0.25, clock_skew_seconds=3.2))
    health = _shown(_table(admin.get("/admin/?lang=id").get_data(as_text=True), "store-health"))
    assert "0,25 dtk" in health and "+3 dtk" in health and "0.25" not in health
    english = _shown(_table(admin.get("/admin/?lang=en").get_data(as_text=True), "store-health"))
    assert "0.25 s" in english and "+3 s" in english


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_open_reconciliation_tasks_download_as_csv_in_the_admins_words(admin, central):  # noqa: F811
    with central.ctx.db.sessions() as s:
        have = int(
            s.scalar(select(StockLevel.on_hand).where(StockLevel.location == STORE, StockLevel.sku == "SKU-00001"))
        )
    push_service.push(
        central.ctx, STORE, "x", [make_event(1, sale_payload(STORE, 1, skus=["SKU-00001"], qty=have + 2))]
    )
    page = admin.get("/admin/?lang=id").get_data(as_text=True)
    assert 'id="reconciliation-csv" href="/admin/reconciliation.csv"' in page
    sheet = admin.get("/admin/reconciliation.csv")
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert sheet.mimetype == "text/csv" and lines[0] == (
        "Toko,Kode toko,Sejak,Jenis,Apa yang terjadi,Kali,Status,Diselesaikan oleh,Diselesaikan pada,Catatan"
    )
    name = catalog.get_product(central.ctx, "SKU-00001")["name"]
    assert lines[1].startswith("Omnitoko Kemang,TOKO-01,") and lines[1].endswith(
        f",Stok minus,{name} terjual sampai stok -2: toko perlu menghitung raknya.,1,Terbuka,,,"
    )
