"""The admin page: sign in, see the stores and their last sync, change a price, retry a dead letter."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401

from central.services import catalog, dead_letters, stores
from central.services import push as push_service
from central.tables import DeadLetter, Sale
from common import i18n


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture
def admin(central):
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get("/admin/login?lang=en").get_data(as_text=True)  # the admin reads English (remembered)
    resp = client.post("/admin/login", data={"username": "admin", "password": "rahasia-1234", "csrf_token": csrf(page)})
    assert resp.status_code == 302
    return client


def test_the_admin_pages_need_a_sign_in_and_a_wrong_password_is_refused(central):
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    assert client.get("/admin/").status_code == 302
    page = client.get("/admin/login").get_data(as_text=True)
    resp = client.post("/admin/login", data={"username": "admin", "password": "salah", "csrf_token": csrf(page)})
    assert resp.status_code == 401 and "Nama pengguna atau kata sandi salah" in resp.get_data(as_text=True)
    client.get("/admin/login?lang=en")
    resp = client.post("/admin/login", data={"username": "admin", "password": "salah", "csrf_token": csrf(page)})
    assert resp.status_code == 401 and "Wrong username or password" in resp.get_data(as_text=True)
    no_csrf = client.post("/admin/login", data={"username": "admin", "password": "rahasia-1234"})
    assert no_csrf.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_the_dashboard_shows_each_store_and_its_last_sync(admin, central):
    push_service.push(central.ctx, STORE, "TOKO-01-SYNC", [])
    push_service.pull(central.ctx, STORE, 0, 1)
    html = admin.get("/admin/").get_data(as_text=True)
    row = html[html.index(f'data-store="{STORE}"') :]
    row = row[: row.index("</tr>")]
    assert "Omnitoko Kemang" in row and "never" in row  # pulled, never pushed an event yet


def test_a_price_changed_in_the_admin_page_is_in_the_feed_for_the_stores(admin, central):
    page = admin.get("/admin/products/SKU-00001").get_data(as_text=True)
    assert "Air Mineral Aqua 330ml" in page
    product = catalog.get_product(central.ctx, "SKU-00001")
    resp = admin.post(
        "/admin/products/SKU-00001",
        data={
            "csrf_token": csrf(page),
            "sku": "SKU-00001",
            "name": product["name"],
            "price": "3900",
            "barcode": product["barcode"],
            "category": product["category"],
            "tax_group": "PPN",
            "active": "y",
        },
    )
    assert resp.status_code == 302
    assert catalog.get_product(central.ctx, "SKU-00001")["price"] == 3900
    changes = push_service.pull(central.ctx, STORE, 0, 10_000)["changes"]
    latest = [c for c in changes if c["topic"] == "product" and c["key"] == "SKU-00001"]
    assert latest[0]["data"]["price"] == 3900 and latest[0]["seq"] == changes[-1]["seq"]
    bad = admin.post(
        "/admin/products/SKU-00001",
        data={"csrf_token": csrf(page), "sku": "SKU-00001", "name": "x", "price": "-5", "tax_group": "PPN"},
    )
    assert bad.status_code == 400 and catalog.get_product(central.ctx, "SKU-00001")["price"] == 3900


def test_a_dead_letter_is_retried_after_its_sku_is_added_and_the_store_is_told(admin, central):
    poison = make_event(1, sale_payload(STORE, 1, skus=["SKU-NEW-1"]))
    push_service.push(central.ctx, STORE, "x", [poison])
    assert central.count(DeadLetter) == 1 and central.count(Sale) == 0
    html = admin.get("/admin/").get_data(as_text=True)
    assert "unknown_sku" in html and "SKU-NEW-1" in html
    still = dead_letters.retry(central.ctx, poison.event_id)
    assert still["retried"] is False
    catalog.save_product(central.ctx, "SKU-NEW-1", name="Kopi Baru", price=9000, create=True)
    resp = admin.post(f"/admin/dead-letters/{poison.event_id}/retry", data={"csrf_token": csrf(html)})
    assert resp.status_code == 302
    assert central.count(Sale) == 1 and dead_letters.list_dead_letters(central.ctx) == []
    again = push_service.push(central.ctx, STORE, "x", [poison])
    assert again["results"][0]["first_outcome"] == "applied"  # applied once, even when sent again
    notices = [c for c in push_service.pull(central.ctx, STORE, 0, 10_000)["changes"] if c["topic"] == "dead_letter"]
    assert notices[0]["data"]["resolution"] == "retried"


def test_the_admin_pages_speak_indonesian_by_default_and_english_when_chosen(admin, central):
    admin.get("/admin/?lang=id")
    pages = (
        "/admin/",
        "/admin/products",
        "/admin/promotions",
        "/admin/members",
        "/admin/debts",
        "/admin/locks",
        "/admin/payments",
    )
    indonesian = {path: admin.get(path).get_data(as_text=True) for path in pages}
    admin.get("/admin/?lang=en")
    english = {path: admin.get(path).get_data(as_text=True) for path in pages}
    assert 'lang="id"' in indonesian["/admin/"] and "Toko dan sinkron terakhirnya" in indonesian["/admin/"]
    assert 'lang="en"' in english["/admin/"] and "Stores and their last sync" in english["/admin/"]
    words = i18n.catalog("admin")
    only = {
        loc: {v for k, v in words[loc].items() if v not in words[other].values() and len(v) > 3}
        for loc, other in (("id", "en"), ("en", "id"))
    }
    for path in pages:
        shown_id, shown_en = visible(indonesian[path]), visible(english[path])
        assert not [w for w in only["en"] if w in shown_id], f"{path} in Indonesian shows English words"
        assert not [w for w in only["id"] if w in shown_en], f"{path} in English shows Indonesian words"


def visible(html: str) -> set[str]:
    """The texts of the page's elements and attributes a person reads (the cell and label texts, placeholders)."""
    html = re.sub(r"<style.*?</style>", "", html, flags=re.S)
    texts = {t.strip() for t in re.findall(r">([^<]+)<", html)}
    texts |= set(re.findall(r'(?:placeholder|title)="([^"]+)"', html))
    return {unescape(t) for t in texts if t}


def test_the_shop_speaks_indonesian_by_default_and_english_when_chosen(central):
    client = central.extra["app"].test_client()
    words = i18n.catalog("shop")
    only = {
        loc: {v for v in words[loc].values() if v not in words[other].values() and len(v) > 3}
        for loc, other in (("id", "en"), ("en", "id"))
    }
    for lang, other in (("id", "en"), ("en", "id")):
        for path in ("/shop/", "/shop/?q=aqua", "/shop/cart"):
            html = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}").get_data(as_text=True)
            shown = visible(html)
            assert not [w for w in only[other] if w in shown], f"{path} in {lang} shows words of {other}"
            assert [w for w in only[lang] if w in shown], f"{path} in {lang} shows none of its own words"


def test_a_members_own_pages_speak_one_language_at_a_time(central):
    """The join page and the account page (balance, QR, history) follow the shop's language, not both at once."""
    client = central.extra["app"].test_client()
    join = client.get("/join?lang=en").get_data(as_text=True)
    resp = client.post(
        "/join", data={"name": "Sari Dewi", "phone": "0812 5550 7788", "email": "", "csrf_token": csrf(join)}
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    account = resp.headers["Location"]
    words = i18n.catalog("shop")
    member_words = {loc: {k: v for k, v in words[loc].items() if k.startswith("member.")} for loc in ("id", "en")}
    for lang, other in (("id", "en"), ("en", "id")):
        for path in ("/join", account):
            html = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}").get_data(as_text=True)
            shown = visible(html)
            theirs = {v for v in member_words[other].values() if v not in member_words[lang].values() and len(v) > 3}
            assert not [w for w in theirs if w in shown], f"{path} in {lang} shows words of {other}"
            assert f'lang="{lang}"' in html
    english = visible(client.get(account + "&lang=en").get_data(as_text=True))
    assert "Points balance" in english and "Save the card (PNG)" in english and "No points yet." in english
    indonesian = visible(client.get(account + "&lang=id").get_data(as_text=True))
    assert "Saldo poin" in indonesian and "Belum ada poin." in indonesian


def test_a_promotion_is_typed_and_shown_in_percent_or_rupiah_not_basis_points(admin, central):
    page = admin.get("/admin/promotions").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "name": "Hemat Aqua", "kind": "percent", "value": "12,5", "skus": "SKU-00001"}
    assert admin.post("/admin/promotions", data=form).status_code == 302
    saved = catalog.promotions(central.ctx)
    assert [(p["name"], p["kind"], p["value"]) for p in saved] == [("Hemat Aqua", "percent", 1250)]
    shown = visible(admin.get("/admin/promotions").get_data(as_text=True))
    assert "12,5%" in shown and "1250" not in shown
    form.update(name="Potong 500", kind="amount", value="Rp 1.000")
    assert admin.post("/admin/promotions", data=form).status_code == 302
    assert "Rp 1.000" in visible(admin.get("/admin/promotions").get_data(as_text=True))
    refused = admin.post("/admin/promotions", data={**form, "kind": "percent", "value": "150"})
    assert refused.status_code == 422 and "at most 100" in refused.get_data(as_text=True)
    assert len(catalog.promotions(central.ctx)) == 2


def test_an_unknown_sku_on_a_product_link_is_said_on_the_products_page_not_as_json(admin, central):
    resp = admin.get("/admin/products/SKU-0001")  # a digit short
    page = resp.get_data(as_text=True)
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "No product has SKU SKU-0001. Search by name, SKU or barcode." in page and 'name="q"' in page
    admin.get("/admin/?lang=id")
    said = admin.get("/admin/products/SKU-0001").get_data(as_text=True)
    assert "Tidak ada produk dengan SKU SKU-0001" in said


def test_a_promotion_taking_more_than_a_price_or_naming_an_unknown_sku_is_refused_in_words(admin, central):
    page = admin.get("/admin/promotions").get_data(as_text=True)
    assert 'placeholder="None"' not in page, "an empty field shows no raw None"
    form = {"csrf_token": csrf(page), "name": "Diskon air", "kind": "amount", "value": "5000", "skus": "SKU-00001"}
    over = admin.post("/admin/promotions", data=form)  # Air Mineral Aqua 330ml sells at Rp 3.500
    said = unescape(over.get_data(as_text=True))
    assert (
        over.status_code == 422 and "Rp 5.000 off is more than the price of Air Mineral Aqua 330ml (Rp 3.500)" in said
    )
    unknown = admin.post("/admin/promotions", data={**form, "value": "500", "skus": "SKU-00001, SKU-99999"})
    assert unknown.status_code == 422 and "SKU SKU-99999 is not in the catalog." in unknown.get_data(as_text=True)
    assert catalog.promotions(central.ctx) == []
    typed = admin.post("/admin/promotions", data={**form, "value": "500", "skus": "sku-00001"})
    assert typed.status_code == 302 and catalog.promotions(central.ctx)[0]["skus"] == ["SKU-00001"], "any case"


def test_a_promotion_typed_by_mistake_is_ended_from_the_list_and_the_shop_price_is_whole_again(admin, central):
    page = admin.get("/admin/promotions").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "name": "Diskon air", "kind": "amount", "value": "3000", "skus": "SKU-00001"}
    assert admin.post("/admin/promotions", data=form).status_code == 302
    shop = central.extra["app"].test_client()
    assert "Rp 500" in shop.get("/shop/?q=Aqua+330ml").get_data(as_text=True)
    promo = catalog.promotions(central.ctx)[0]
    page = admin.get("/admin/promotions").get_data(as_text=True)
    assert f'id="end-{promo["id"]}"' in page
    done = admin.post(f"/admin/promotions/{promo['id']}/end", data={"csrf_token": csrf(page)}, follow_redirects=True)
    assert "Promotion Diskon air ended" in done.get_data(as_text=True)
    ended = catalog.promotions(central.ctx)[0]
    assert (ended["active"], ended["value"], ended["skus"]) == (False, 3000, ["SKU-00001"])
    assert f'id="end-{promo["id"]}"' not in done.get_data(as_text=True)
    assert "Rp 500" not in shop.get("/shop/?q=Aqua+330ml").get_data(as_text=True), "Rp 3.500 again"
    forged = admin.post(f"/admin/promotions/{promo['id']}/end", data={}, follow_redirects=True)
    assert forged.status_code == 200 and catalog.promotions(central.ctx)[0]["active"] is False


def test_a_barcode_taken_or_an_unknown_tax_group_is_refused_in_the_admins_language(admin, central):
    admin.get("/admin/?lang=id")
    page = admin.get("/admin/products/SKU-00002").get_data(as_text=True)
    product = catalog.get_product(central.ctx, "SKU-00002")
    form = {**{k: str(v) for k, v in product.items() if v is not None and k != "active"}, "active": "y"}
    form["csrf_token"] = csrf(page)
    taken = admin.post("/admin/products/SKU-00002", data={**form, "barcode": "8990000100010"})  # SKU-00001's
    said = taken.get_data(as_text=True)
    assert taken.status_code == 409 and "Bentrok dengan produk SKU-00001" in said and "already belongs" not in said
    tax = admin.post("/admin/products/SKU-00002", data={**form, "tax_group": "ppn"}).get_data(as_text=True)
    assert "Kelompok pajak ini belum diatur" in tax and "is not set up" not in tax


def test_the_member_pages_wear_the_shops_name_not_head_offices(central):
    central.ctx.config.central.name, central.ctx.config.shop.name = "Omnitoko Pusat", "Omnitoko"
    page = central.extra["app"].test_client().get("/join").get_data(as_text=True)
    assert "Omnitoko · Member" in page and "Pusat" not in page, "a shopper is not told about head office"


def test_a_store_clock_a_fraction_behind_reads_0_s_not_minus_0(admin, central):
    from sqlalchemy import update

    from central.tables import Store

    push_service.push(central.ctx, STORE, "TOKO-01-SYNC", [])
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(clock_skew_seconds=-0.3))
    html = admin.get("/admin/").get_data(as_text=True)
    cell = re.search(r'<td class="clock[^"]*">([^<]*)</td>', html)
    assert cell and cell.group(1).strip() == "0 s", cell and cell.group(1)


def test_stock_by_place_says_when_each_store_was_last_heard_from(admin, central):
    from sqlalchemy import update

    from central.tables import Store

    push_service.push(central.ctx, STORE, "TOKO-01-SYNC", [])
    with central.ctx.db.unit_of_work() as s:  # heard from at 08:00 WIB, 3 December
        when = datetime(2026, 12, 3, 1, 0)
        s.execute(update(Store).where(Store.id == STORE).values(last_push_at=when, last_pull_at=None, reported_at=None))
    html = admin.get("/admin/products/SKU-00001").get_data(as_text=True)
    rows = {
        code: re.sub(r"<[^>]+>", "", cell).strip()
        for code, cell in re.findall(r'data-location="([^"]+)".*?<td class="heard">(.*?)</td>', html, re.S)
    }
    assert rows.get(STORE) == "03/12/2026 08:00 WIB", rows  # a store's figures are as of then
    assert rows.get("ONLINE") == "live", rows
    assert rows.get("TOKO-02") == "never", rows  # a place with stock no store server has reported: not "live"


def test_joining_online_with_a_phone_already_a_member_points_to_the_account_form_not_a_qr(central):
    from central.services import loyalty

    loyalty.sign_up(central.ctx, "Siti Rahma", "081200000001", None, "online")
    client = central.extra["app"].test_client()
    page = client.get("/join").get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/join", data={"csrf_token": token, "name": "Siti", "phone": "0812-0000-0001"})
    said = unescape(resp.get_data(as_text=True))
    assert resp.status_code == 400 and 'Buka akun Anda di bawah, di "Sudah member?"' in said and "pindai QR" not in said
    phone = re.search(r'<input[^>]*id="find-phone"[^>]*>', said)
    assert phone and 'value="0812-0000-0001"' in phone.group(0), "the phone typed is filled in to open the account"
