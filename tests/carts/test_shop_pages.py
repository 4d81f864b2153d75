"""The online shop as a shopper uses it: browse and search at the stores' prices and promotions, stock per store
and online, a cart in a cookie, pay in store (QR + code), click-and-collect holding stock, and the cart's fate."""

from __future__ import annotations

import html
import re

import pytest
from cartkit import AQUA_330, AQUA_600, StoreCalls, use_clock
from synckit import central, pg_url  # noqa: F401

from central.services import catalog
from central.tables import CartReservation, OnlineCartLine


class Shopper:
    def __init__(self, central) -> None:  # type: ignore[no-untyped-def]
        self.client = central.extra["app"].test_client()
        self.csrf = ""

    def get(self, path: str) -> str:
        r = self.client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        text = r.get_data(as_text=True)
        if m := re.search(r'name="csrf_token" value="([^"]+)"', text):
            self.csrf = m.group(1)
        return text

    def post(self, path: str, **form: str) -> str:
        if not self.csrf:
            self.get("/shop/")
        r = self.client.post(path, data={"csrf_token": self.csrf, **form}, follow_redirects=True)
        assert r.status_code == 200, (path, r.status_code)
        return r.get_data(as_text=True)


def card(page: str, sku: str) -> str:
    m = re.search(rf'<article class="product" data-sku="{sku}">(.*?)</article>', page, re.S)
    assert m, f"{sku} is on the page"
    return text_of(m.group(1))


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_catalog_shows_store_prices_promotions_and_stock_per_store_and_online(central):
    catalog.save_promotion(central.ctx, name="Hemat Aqua 10%", kind="percent", value=1000, skus=[AQUA_600])
    page = Shopper(central).get("/shop/?q=aqua")
    aqua330, aqua600 = card(page, AQUA_330), card(page, AQUA_600)
    assert "Rp 3.500" in aqua330 and "Promo" not in aqua330
    assert "Rp 4.050" in aqua600 and "Rp 4.500" in aqua600 and "Hemat Aqua 10%" in aqua600
    assert "Online" in aqua330 and "Omnitoko Kemang" in aqua330 and "Omnitoko Depok" in aqua330
    assert AQUA_330 not in aqua330 and "8990000100010" not in aqua330  # a shopper is shown no SKU or barcode
    assert "SKU-00003" not in page or "aqua" in card(page, "SKU-00003").lower()
    english = Shopper(central).get("/shop/?lang=en&q=nothing-like-this")
    assert "No products for “nothing-like-this”" in text_of(english)


def test_a_cart_in_a_cookie_with_a_qr_a_code_and_click_and_collect_holding_stock(central):
    shopper = Shopper(central)
    shopper.post("/shop/cart/add", sku=AQUA_330, qty="2", next="/shop/?q=aqua")
    shopper.post("/shop/cart/add", sku=AQUA_600)
    page = shopper.get("/shop/cart")
    code = re.search(r'id="cart-code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"[A-Z2-9]{3}-[A-Z2-9]{3}", code)
    assert "<svg" in page.split('id="cart-qr"')[1][:200], "the pay-in-store QR is drawn inline"
    assert "Rp 11.500" in text_of(page) and "Bayar di toko" in page
    svg = shopper.client.get("/shop/cart/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"

    before = card(Shopper(central).get("/shop/?q=aqua"), AQUA_330)
    page = shopper.post("/shop/cart/store", store="TOKO-01")
    assert "Disimpan di Omnitoko Kemang sampai pukul" in text_of(page) and "2 disimpan" in text_of(page)
    assert central.count(CartReservation, CartReservation.state == "held") == 2
    after = card(Shopper(central).get("/shop/?q=aqua"), AQUA_330)
    kemang = lambda text: int(re.search(r"Omnitoko Kemang (\d+)", text).group(1))  # noqa: E731
    assert kemang(after) == kemang(before) - 2, "another shopper sees the held stock gone from TOKO-01"

    page = shopper.post("/shop/cart/qty", sku=AQUA_330, qty="0")
    assert central.count(OnlineCartLine) == 1
    assert central.count(CartReservation, CartReservation.state == "held") == 1, "holds follow the cart"


def test_a_form_without_its_csrf_token_changes_nothing(central):
    client = central.extra["app"].test_client()
    r = client.post("/shop/cart/add", data={"sku": AQUA_330, "qty": "1"}, follow_redirects=True)
    assert r.status_code == 200 and "tidak valid" in r.get_data(as_text=True)
    assert central.count(OnlineCartLine) == 0


@pytest.mark.parametrize(
    "lang, being_paid, paid",
    [
        ("id", "Sedang dibayar di Omnitoko Kemang", r"Dibayar di Omnitoko Kemang, \d\d/\d\d/20\d\d pukul 14:05"),
        (
            "en",
            "Being paid in store at Omnitoko Kemang",
            r"Paid in store at Omnitoko Kemang on \d\d/\d\d/20\d\d at 14:05",
        ),
    ],
)
def test_the_cart_page_follows_the_cart_into_the_store(central, lang, being_paid, paid):
    use_clock(central.ctx)
    shopper = Shopper(central)
    shopper.get(f"/shop/?lang={lang}")
    shopper.post("/shop/cart/add", sku=AQUA_330, qty="3")
    code = re.search(r'id="cart-code">([^<]+)<', shopper.get("/shop/cart")).group(1)
    api = StoreCalls(central.url, central.token)
    _, claimed = api.claim(code, "kiosk")
    page = text_of(shopper.get("/shop/cart"))
    assert being_paid in page and "kiosk" in page
    assert 'name="qty"' not in shopper.get("/shop/cart"), "no changes while a store is paying"
    assert shopper.client.get("/shop/cart/status").get_json()["status"] == "claimed"

    api.checkout(claimed["id"], claimed["fence"], device="T1", total=10_500)
    page = text_of(shopper.get("/shop/cart"))
    assert re.search(paid, page) and "TOKO-01-T1-" in page and "Rp 10.500" in page, page
    assert ", T1" not in page and "-20" not in page.replace("TOKO-01-T1-", ""), "no till id, no date with dashes"
    assert shopper.client.get("/shop/cart/status").get_json()["order"]["store_id"] == "TOKO-01"
    shopper.post("/shop/cart/add", sku=AQUA_600)  # shopping again starts a new cart
    fresh = shopper.get("/shop/cart")
    assert re.search(r'id="cart-code">([^<]+)<', fresh).group(1) != code


def test_pickup_is_offered_only_at_stores_that_run_a_store_server(central):
    """TOKO-02 is a location with stock but no registered store (as in `make demo`): not offered, and refused."""
    from central.services import payments
    from central.services.fulfilment import Choice
    from common.errors import DomainError

    shopper = Shopper(central)
    shopper.post("/shop/cart/add", sku=AQUA_330, qty="1")
    page = shopper.get("/shop/cart")
    offered = re.findall(r'<option value="(TOKO-[^"]+)"', page)
    assert offered and set(offered) == {"TOKO-01"}
    assert "Omnitoko Kemang (TOKO-01)" in page and "TOKO-02" not in page
    from central.services import carts

    view = carts.add_item(central.ctx, None, "SKU-00001", 1)
    with pytest.raises(DomainError) as refused:
        payments.start(central.ctx, view["id"], "http://127.0.0.1/back", Choice("pickup", "TOKO-02", "Ani"))
    assert refused.value.code == "unknown_store"
