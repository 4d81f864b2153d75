"""The manager's "Label harga" screen: the labels to replace after central changed prices, the sheet of labels at
today's price, "put up" marking them done; refused in words: an unknown code (kept in the field), nothing chosen,
a form without its token, a cashier."""

from __future__ import annotations

import re
from typing import Any

import pytest
from service.test_promo_labels import NOW, local_day, local_midnight_in, promotion
from service.test_shelf_labels import AQUA_330, AQUA_330_BARCODE, AQUA_600, new_price
from test_manager_pages import Browser, error_of
from test_manager_staff import screens

from pos.services.context import StoreContext


def text(resp: Any) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)).split())


def test_a_changed_price_is_listed_printed_at_the_new_price_and_marked_put_up(store: StoreContext) -> None:
    new_price(store, AQUA_330, 4_000)
    web = screens(store)
    page = web.get("/manager/labels?lang=id")
    row = re.search(rf'<tr data-sku="{AQUA_330}">.*?</tr>', page.get_data(as_text=True), re.S)
    assert row and "Rp 3.500" in row.group(0) and "Rp 4.000" in row.group(0) and "▲" in row.group(0)
    assert "Label harga" in text(page)

    sheet = web.get(f"/manager/labels/print?sku={AQUA_330}&lang=id")
    assert sheet.status_code == 200
    assert "1 label harga" in text(sheet) and "Rp 4.000" in text(sheet) and AQUA_330_BARCODE in text(sheet)
    assert "Rp 3.500" not in text(sheet)

    csv = web.get("/manager/labels.csv?lang=en").get_data(as_text=True)
    assert "Price on the label" in csv.splitlines()[0] and "3500" in csv
    web.get("/manager/labels?lang=id")  # back in Indonesian (the language is kept in a cookie)

    done = web.client.post("/manager/labels/done", data={"sku": [AQUA_330], "csrf_token": web.csrf})
    assert done.status_code == 302
    after = web.get("/manager/labels?lang=id")
    assert "1 label ditandai sudah dipasang." in text(after) and "Semua label di rak sesuai harga sekarang." in text(
        after
    )


def test_refusals_are_said_on_the_page_and_nothing_is_marked(store: StoreContext) -> None:
    new_price(store, AQUA_330, 4_000)
    web = screens(store)
    web.get("/manager/labels?lang=id")
    unknown = web.get("/manager/labels/print?sku=ABC-999&code=ABC-999")
    assert unknown.status_code == 404
    assert error_of(unknown) == "Tidak ada produk yang dijual di toko ini dengan SKU atau barcode ABC-999."
    assert 'value="ABC-999"' in unknown.get_data(as_text=True)  # what was typed stays in the field
    nothing = web.post("/manager/labels/done", {})
    assert nothing.status_code == 422 and error_of(nothing) == "Pilih paling sedikit satu produk."
    forged = web.client.post("/manager/labels/done", data={"sku": [AQUA_330]})  # no CSRF token
    assert forged.status_code == 400
    assert f'data-sku="{AQUA_330}"' in web.get("/manager/labels").get_data(as_text=True)  # still to replace


def test_a_cashier_cannot_open_the_labels_screen(store: StoreContext) -> None:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    web.sign_in("1001", "1234")
    assert web.get("/manager/labels").status_code in (302, 403)
    assert web.client.post("/manager/labels/done", data={"sku": [AQUA_330], "csrf_token": web.csrf}).status_code in (
        302,
        401,
        403,
    )


def test_a_new_product_from_central_is_listed_as_new(store: StoreContext) -> None:
    from service.test_shelf_labels import feed, product
    from sqlalchemy import update

    from pos.adapters.tables import SyncStatus

    with store.db.unit_of_work() as s:  # the store has its catalog: later pages are news
        s.execute(update(SyncStatus).values(cursor=40))
    feed(store, {**product(store, AQUA_330), "sku": "SKU-NEW-1", "barcode": "8991234500011", "name": "Kopi Baru"})
    page = screens(store).get("/manager/labels?lang=id").get_data(as_text=True)
    row = re.search(r'<tr data-sku="SKU-NEW-1">.*?</tr>', page, re.S)
    assert row and "Produk baru" in row.group(0) and "Rp 3.500" in row.group(0) and "▲" not in row.group(0)


def test_a_product_s_page_prints_its_shelf_label(store: StoreContext) -> None:
    web = screens(store)
    page = web.get(f"/manager/stock/item/{AQUA_330}?lang=id").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" target="_blank" id="item-label">Cetak label</a>', page)
    assert link, "the product's page links its label"
    sheet = web.get(link.group(1).replace("&amp;", "&"))
    assert (
        sheet.status_code == 200
        and "Rp 3.500" in text(sheet)
        and f'data-sku="{AQUA_330}"' in sheet.get_data(as_text=True)
    )


def test_more_labels_than_one_sheet_may_hold_start_with_the_first_ones_chosen(store: StoreContext, monkeypatch) -> None:
    from pos.services import shelf_labels

    monkeypatch.setattr(shelf_labels, "MAX_LABELS", 1)  # 300 in the store: two changes stand for 301
    new_price(store, AQUA_330, 4_000)
    new_price(store, "SKU-00002", 5_000)
    page = screens(store).get("/manager/labels?lang=en").get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="sku" value="([^"]+)"( checked)?', page)
    assert [bool(checked) for _sku, checked in boxes] == [True, False]
    assert "Only the first 1 are chosen" in page


def screens_at_night(store: StoreContext) -> Browser:
    """The manager's screens, with the store's clock and the pages' standing at NOW (00:30 WIB, still the day before
    in UTC): the days a test counts from (local_day) are the pages' days, whenever it runs."""
    store.clock = lambda: NOW
    web = screens(store)
    web.client.application.extensions["omnitoko"].clock = store.clock  # the store context the pages run on
    return web


def promo_row(page: Any, promo_id: str) -> str:
    found = re.search(rf'<tr data-promo="{promo_id}".*?</tr>', page.get_data(as_text=True), re.S)
    assert found, promo_id
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


def test_promotions_starting_and_ending_are_listed_with_their_labels_in_both_languages(store: StoreContext) -> None:
    promotion(store, "besok", [AQUA_600], local_midnight_in(1), local_midnight_in(8))  # 10% off Rp 4.500, 7 days
    promotion(store, "kemarin", [AQUA_330], local_midnight_in(-7), local_midnight_in(0))  # its last day: yesterday
    promotion(store, "sekarang", ["SKU-00003"], local_midnight_in(-1), local_midnight_in(3), percent=20)
    first, last, yesterday = (f"{local_day(d):%d/%m/%Y}" for d in (1, 7, -1))
    web = screens_at_night(store)

    page = web.get("/manager/labels?lang=id")
    assert "Promosi" in text(page)
    assert (
        promo_row(page, "besok")
        == f"Promo besok 10% {first} – {last} 1 mulai besok: cetak dan siapkan labelnya hari ini Cetak label promosi"
    )
    assert f"berakhir {yesterday} — pasang label harga biasa" in promo_row(page, "kemarin")
    assert f"berjalan s/d {local_day(2):%d/%m/%Y}" in promo_row(page, "sekarang")
    assert "Cetak label harga biasa" in promo_row(page, "kemarin")
    csv = web.get("/manager/labels/promotions.csv?lang=id").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert csv[0] == "Promosi,Potongan,Penawaran,Berlaku,Produk di toko,Status"
    assert f"Promo besok,10%,,{first} – {last},1,mulai besok: cetak dan siapkan labelnya hari ini" in csv
    page = web.get("/manager/labels?lang=en")
    assert "starts tomorrow" in promo_row(page, "besok")
    assert f"ended {yesterday} — put the usual price labels back" in promo_row(page, "kemarin")

    sheet = web.get("/manager/labels/promotion/besok?lang=id")  # printed today, at tomorrow's price
    assert sheet.status_code == 200 and f"harga promosi berlaku mulai {first}" in text(sheet)
    assert "Rp 4.050" in text(sheet) and f"Promo besok · mulai {first} s/d {last}" in text(sheet)
    ended = web.get("/manager/labels/promotion/kemarin?lang=en")  # back to the usual price
    assert ended.status_code == 200 and "the promotion has ended" in text(ended)
    assert "Rp 3.500" in text(ended) and 'class="promo"' not in ended.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "header", "free", "bundle"),
    [
        ("id", "Promosi,Potongan,Penawaran,Berlaku", "Beli 2 Gratis 1", "2 untuk Rp 8.000"),
        ("en", "Promotion,Off,Deal,Period", "Buy 2 get 1 free", "2 for Rp 8.000"),
    ],
)
def test_a_multi_buy_s_deal_in_words_is_its_own_column_on_the_page_and_in_the_csv(
    store: StoreContext, lang: str, header: str, free: str, bundle: str
) -> None:
    running = (local_midnight_in(-1), local_midnight_in(3))
    promotion(store, "hemat", [AQUA_330], *running, multi_buy=("free", 3, 1))
    promotion(store, "berdua", [AQUA_600], *running, multi_buy=("bundle", 2, 8_000))
    promotion(store, "sekarang", ["SKU-00003"], *running, percent=20)
    web = screens_at_night(store)
    csv = web.get(f"/manager/labels/promotions.csv?lang={lang}").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert csv[0].startswith(header + ",")
    deals = {row.split(",")[0]: row.split(",")[1:3] for row in csv[1:]}  # Potongan, Penawaran
    assert deals == {"Promo hemat": ["", free], "Promo berdua": ["", bundle], "Promo sekarang": ["20%", ""]}
    page = web.get(f"/manager/labels?lang={lang}")
    assert f"<th>{header.split(',')[2]}</th>" in page.get_data(as_text=True)
    assert promo_row(page, "hemat").startswith(f"Promo hemat {free} ")
    assert promo_row(page, "berdua").startswith(f"Promo berdua {bundle} ")
    assert promo_row(page, "sekarang").startswith("Promo sekarang 20% ")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("id", "Promosi nope tidak ada untuk produk di toko ini: pilih dari daftar Promosi di Label harga."),
        ("en", "No promotion nope for products in this store: choose one from the Promotions list on Shelf labels."),
    ],
)
def test_an_unknown_promotion_s_labels_are_refused_in_the_page_s_language(
    store: StoreContext, lang: str, said: str
) -> None:
    refused = screens(store).get(f"/manager/labels/promotion/nope?lang={lang}")
    assert refused.status_code == 404 and error_of(refused) == said


def test_a_cashier_cannot_print_a_promotion_s_labels(store: StoreContext) -> None:
    from pos.web.app import create_app

    promotion(store, "sekarang", [AQUA_330], local_midnight_in(-1))
    web = Browser(create_app(store.config, store.db))
    web.sign_in("1001", "1234")
    assert web.get("/manager/labels/promotion/sekarang").status_code in (302, 403)
