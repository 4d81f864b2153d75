"""Changing the cart on the shop's pages as a shopper types on a phone: what the page says back keeps their work."""

from __future__ import annotations

import re

import pytest
from cartkit import AQUA_330
from synckit import central, pg_url  # noqa: F401
from test_shop_pages import Shopper, text_of


def qty_of(page: str) -> str:
    return page.split(f'id="qty-{AQUA_330}"')[1].split('value="')[1].split('"')[0]


@pytest.mark.parametrize("typed", ["-1", "99999", "2.5", ""])
def test_an_odd_quantity_is_answered_with_the_allowed_range_and_the_line_is_kept(central, typed):
    shopper = Shopper(central)
    shopper.post("/shop/cart/add", sku=AQUA_330, qty="3")
    page = shopper.post("/shop/cart/qty", sku=AQUA_330, qty=typed)
    said = text_of(page)
    assert "Jumlah harus angka bulat 1–99" in said and "Formulir tidak valid" not in said, said
    assert qty_of(page) == "3", "the line keeps its quantity"


def test_quantity_zero_says_the_product_was_removed(central):
    shopper = Shopper(central)
    shopper.post("/shop/cart/add", sku=AQUA_330, qty="2")
    said = text_of(shopper.post("/shop/cart/qty", sku=AQUA_330, qty="0"))
    assert "Air Mineral Aqua 330ml dihapus dari keranjang" in said, said
    english = Shopper(central)
    english.get("/shop/?lang=en")
    english.post("/shop/cart/add", sku=AQUA_330)
    assert "Air Mineral Aqua 330ml was removed from your cart" in text_of(
        english.post("/shop/cart/qty", sku=AQUA_330, qty="0")
    )


def test_a_refused_delivery_keeps_the_choice_the_name_and_the_address_the_shopper_typed(central):
    shopper = Shopper(central)
    shopper.post("/shop/cart/add", sku=AQUA_330)
    shopper.get("/shop/cart")
    page = shopper.post("/shop/pay/", mode="delivery", customer='Budi "BS" Santoso', address="Jl. <b>")
    assert "alamat" in text_of(page).lower(), "the refusal says what is missing"
    assert 'id="mode-delivery" required checked' in page, "delivery is still chosen"
    assert 'value="Budi &#34;BS&#34; Santoso"' in page, "the name is still there"
    assert ">Jl. &lt;b&gt;</textarea>" in page, "the address is still there"
    assert 'id="mode-pickup" required checked' not in page


def test_a_page_past_the_end_of_the_list_shows_the_last_page(central):
    shopper = Shopper(central)
    last = text_of(shopper.get("/shop/?page=999"))
    pages = re.search(r"Halaman (\d+) dari (\d+)", last)
    assert pages and pages.group(1) == pages.group(2), last
    assert "Tidak ada produk" not in last and 'class="product"' in shopper.get("/shop/?page=999")
