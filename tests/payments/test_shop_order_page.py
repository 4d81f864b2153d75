"""The shopper's side of an order paid online, as a phone sees it over real HTTP (stand-in gateway, central): the
cart leads back to the order page, pay refuses without a pick-up or delivery choice, the page's words follow the
order."""

from __future__ import annotations

import html
import re
from typing import Any

import requests
from paykit import AQUA_600, Shopper, standin, text_of  # noqa: F401
from sqlalchemy import update
from synckit import central, pg_url  # noqa: F401

from central.tables import OnlineOrder, Payment


def paid_pickup(central: Any, shopper: Shopper) -> requests.Response:
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="1")
    return shopper.pay_pickup()


def test_the_paid_cart_links_to_the_order_page_with_its_code_under_an_order_number(central, standin):
    shopper = Shopper(central.url)
    back = paid_pickup(central, shopper)
    code = re.search(r'id="order-code">([^<]+)<', back.text).group(1)  # type: ignore[union-attr]
    number = re.search(r"order_id=([A-Z0-9-]+)", back.url).group(1)  # type: ignore[union-attr]

    cart = shopper.get("/shop/cart").text  # the shopper closed the tab and comes back to the shop
    banner = text_of(cart.split('id="paid-banner"')[1].split("</section>")[0])
    assert f"No. pesanan {number}" in banner and "No. struk" not in banner
    link = re.search(r'id="order-link" href="([^"]+)"', cart)
    assert link, "the paid banner links to the order"
    order = shopper.get(html.unescape(link.group(1)))
    assert order.status_code == 200 and f'id="order-code">{code}<' in order.text
    assert 'data-status="assigned"' in order.text
    stranger = requests.get(central.url + html.unescape(link.group(1)), timeout=10)
    assert code not in stranger.text, "only the session whose cart it was sees the code"


def test_paying_online_with_neither_pickup_nor_delivery_chosen_is_refused_in_the_shoppers_language(central, standin):
    for lang, said in (("id", "Pilih ambil di toko atau diantar"), ("en", "Choose pickup at a store or delivery")):
        shopper = Shopper(central.url, lang)
        shopper.post("/shop/cart/add", sku=AQUA_600, qty="1")
        refused = shopper.pay()
        assert refused.url.endswith("/shop/cart") and said in text_of(refused.text)
        assert 'id="pay-online-button"' in refused.text, "the cart is still open to pay, with a choice"
        assert central.count(Payment) == 0, "nothing went to the gateway"


def test_a_pickup_asks_whose_order_it_is_and_the_order_page_and_the_store_have_the_name(central, standin):
    shopper = Shopper(central.url)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="1")
    refused = shopper.pay(mode="pickup", store="TOKO-01", customer="  ")
    assert "Tulis nama untuk pesanan ini" in text_of(refused.text) and central.count(Payment) == 0
    assert 'id="mode-pickup" required checked' in refused.text, "the choice made is kept"
    assert 'id="fulfil-customer" name="customer" maxlength="80" autocomplete="name" required' in refused.text
    back = paid_pickup(central, shopper)
    assert "atas nama Ani" in text_of(back.text.split('id="order-for">')[1].split("</span>")[0])
    with central.ctx.db.sessions() as s:  # what the store's feed copy carries for its pickup list and hand-over
        assert s.query(OnlineOrder).one().customer == "Ani"


def test_the_order_page_sends_the_shopper_to_the_till_only_once_the_order_is_packed(central, standin):
    shopper = Shopper(central.url)
    back = paid_pickup(central, shopper)
    hint = text_of(back.text.split('id="order-code-hint"')[1].split("</p>")[0])
    assert 'id="order-code"' in back.text, "the code is there from the start"
    assert "siap" in hint and "tunjukkan" not in hint.lower(), hint
    with central.ctx.db.unit_of_work() as s:  # the store packed it (its steps are tested in test_order_fulfilment)
        s.execute(update(OnlineOrder).values(status="packed", version=OnlineOrder.version + 1))
    ready = shopper.get(back.url.removeprefix(central.url)).text
    hint = text_of(ready.split('id="order-code-hint"')[1].split("</p>")[0])
    assert "tunjukkan kode ini di kasir" in hint.lower(), hint


def test_the_paid_online_banner_says_the_day_and_time_paid(central, standin):
    shopper = Shopper(central.url)
    paid_pickup(central, shopper)
    said = text_of(shopper.get("/shop/cart").text.split('id="paid-text">')[1].split("</h2>")[0])
    assert re.fullmatch(r"Dibayar online \d\d/\d\d/20\d\d pukul \d\d:\d\d WIB", said), said


def _set_status(central: Any, status: str) -> None:
    with central.ctx.db.unit_of_work() as s:  # the store's steps (tested in test_order_fulfilment)
        s.execute(update(OnlineOrder).values(status=status, version=OnlineOrder.version + 1))


def test_a_delivery_is_to_be_delivered_until_it_ships_and_a_finished_order_is_no_longer_followed_live(central, standin):
    shopper = Shopper(central.url, "en")
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="1")
    assert "1 item" in text_of(shopper.get("/shop/cart").text) and "1 items" not in shopper.get("/shop/cart").text
    to_gateway = shopper.s.post(
        central.url + "/shop/pay/",
        data={"csrf_token": shopper.csrf, "mode": "delivery", "customer": "Budi", "address": "Jl. Kemang Raya 12"},
        allow_redirects=False,
        timeout=30,
    )
    back = shopper.s.post(to_gateway.headers["Location"] + "/pay", data={"method": "qris"}, timeout=30)
    page = text_of(back.text)
    assert "To be delivered to Jl. Kemang Raya 12" in page and "This page follows your order live" in page, page
    _set_status(central, "shipped")
    page = text_of(shopper.get(back.url.removeprefix(central.url)).text)
    assert "On its way to Jl. Kemang Raya 12" in page and "follows your order live" not in page, page


def test_a_collected_order_page_no_longer_says_it_follows_the_order_live(central, standin):
    shopper = Shopper(central.url)
    back = paid_pickup(central, shopper)
    assert "mengikuti status pesanan secara langsung" in text_of(back.text)
    for status in ("collected", "cancelled"):
        _set_status(central, status)
        page = text_of(shopper.get(back.url.removeprefix(central.url)).text)
        assert "mengikuti status pesanan" not in page, (status, page)


def test_a_delivery_order_page_says_whose_order_it_is_as_a_pickup_does(central, standin):
    shopper = Shopper(central.url, "en")
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="1")
    shopper.get("/shop/cart")
    to_gateway = shopper.s.post(
        central.url + "/shop/pay/",
        data={"csrf_token": shopper.csrf, "mode": "delivery", "customer": "Rina W", "address": "Jl. Kemang Raya 12"},
        allow_redirects=False,
        timeout=30,
    )
    assert to_gateway.status_code == 302, to_gateway.text
    back = shopper.s.post(to_gateway.headers["Location"] + "/pay", data={"method": "qris"}, timeout=30)
    said = text_of(back.text.split('id="order-for">')[1].split("</span>")[0])
    assert said == "for Rina W", "the name typed under 'Atas nama' is confirmed for a delivery too"
