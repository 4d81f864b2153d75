"""The shop's and the join page's refusals in the shopper's language (the errors catalog, by code), with their
details kept: the product short and how many are left, the cart being paid, the phone number."""

from __future__ import annotations

import re

import pytest
from paykit import AQUA_600, Shopper, standin, text_of  # noqa: F401
from synckit import central, pg_url  # noqa: F401


@pytest.mark.parametrize(
    "lang, short, paying",
    [
        ("id", "Stok online tidak cukup untuk: Air Mineral Aqua 600ml (sisa", "sedang dibayar online"),
        ("en", "Not enough online stock for: Air Mineral Aqua 600ml (", "being paid online"),
    ],
)
def test_a_refused_payment_or_change_is_said_in_the_shoppers_language_with_the_product(
    central, standin, lang, short, paying
):
    shopper = Shopper(central.url, lang)
    shopper.post("/shop/cart/add", sku=AQUA_600, qty="99")
    refused = text_of(shopper.pay(mode="pickup", store="TOKO-01", customer="Ani").text)
    assert short in refused and "not enough in stock" not in refused, refused

    shopper.post("/shop/cart/qty", sku=AQUA_600, qty="1")
    shopper.s.post(
        central.url + "/shop/pay/",
        data={"csrf_token": shopper.csrf, "mode": "pickup", "store": "TOKO-01", "customer": "Ani"},
        allow_redirects=False,
        timeout=30,
    )  # off to the gateway; the shopper comes back and tries to change the cart
    changed = text_of(shopper.post("/shop/cart/add", sku=AQUA_600, qty="1").text)
    assert paying in changed and not re.search(r"cart [A-Z2-9]{3}-[A-Z2-9]{3}", changed), changed


@pytest.mark.parametrize(
    "lang, bad, taken",
    [
        ("id", "Ketik nomor HP yang benar", "Nomor HP ini sudah menjadi member"),
        ("en", "type a valid mobile number", "This phone number is already a member"),
    ],
)
def test_the_join_page_refuses_a_phone_number_in_the_shoppers_language(central, lang, bad, taken):
    client = central.extra["app"].test_client()

    def join(phone: str) -> tuple[int, str]:
        page = client.get(f"/join?lang={lang}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        r = client.post("/join", data={"name": "Sari", "phone": phone, "csrf_token": token})
        return r.status_code, text_of(r.get_data(as_text=True))

    status, said = join("0812")
    assert status == 400 and bad in said and "9 to 13 digits" not in said, said
    assert join("0812 5550 7788")[0] == 302
    status, said = join("0812-5550-7788")
    assert status == 400 and taken in said and "find the member by phone" not in said, said
