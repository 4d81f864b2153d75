"""The demo catalog looks like a real Indonesian minimarket and every barcode scans."""

from __future__ import annotations

from collections import Counter

from common.barcodes import ean13_check_digit, is_valid_ean13
from common.demo_data import CATEGORIES, STAFF, TAX_GROUPS, demo_products

NAMED_CATEGORIES = {"drinks", "instant", "snacks", "household", "personal", "fresh"}


def test_ean13_check_digits_follow_the_standard() -> None:
    assert ean13_check_digit("400638133393") == 1  # 4006381333931, a published example
    # 8+9+9+9+9+0 + 3*(9+9+9+0+0+5) = 44 + 96 = 140 -> check digit 0
    assert ean13_check_digit("899999909005") == 0
    assert is_valid_ean13("4006381333931")
    assert not is_valid_ean13("4006381333932")
    assert not is_valid_ean13("400638133393")
    assert not is_valid_ean13("40063813339a1")


def test_every_demo_product_has_a_valid_unique_indonesian_ean13_barcode() -> None:
    products = demo_products()
    assert all(is_valid_ean13(p.barcode) and p.barcode.startswith("899") for p in products)
    assert len({p.barcode for p in products}) == len(products)
    assert len({p.sku for p in products}) == len(products)


def test_the_demo_catalog_has_at_least_300_products_in_the_named_categories() -> None:
    products = demo_products()
    assert len(products) >= 300
    assert {c for c, _, _ in CATEGORIES} == NAMED_CATEGORIES
    per_category = Counter(p.category for p in products)
    assert set(per_category) == NAMED_CATEGORIES
    assert min(per_category.values()) >= 10


def test_the_demo_catalog_uses_both_tax_groups_and_whole_rupiah_prices() -> None:
    products = demo_products()
    assert {code: rate for code, _, rate in TAX_GROUPS} == {"PPN": 1_100, "NONPPN": 0}
    assert {p.tax_group for p in products} == {"PPN", "NONPPN"}
    assert all(isinstance(p.price, int) and p.price > 0 for p in products)
    assert all(p.opening_stock > 0 for p in products)


def test_the_minimarket_sells_no_tobacco() -> None:
    words = ("rokok", "sampoerna", "gudang garam", "djarum", "marlboro", "tembakau", "cigarette")
    assert not [p.name for p in demo_products() if any(w in p.name.lower() for w in words)]


def test_the_demo_staff_are_a_cashier_and_a_manager_with_the_documented_pins() -> None:
    staff = {s.code: (s.role, s.pin) for s in STAFF}
    assert staff["1001"] == ("cashier", "1234")
    assert staff["9001"] == ("manager", "4321")


def test_a_multipack_costs_less_than_its_units_bought_one_by_one() -> None:
    products = demo_products()
    single = {p.name: p.price for p in products}
    for p in products:
        for label, units in ((" Isi 3", 3), (" Isi 6", 6), (" Karton 24", 24)):
            if p.name.endswith(label):
                alone = single[p.name.removesuffix(label)]
                assert p.price < alone * units, f"{p.name} Rp {p.price} >= {units} x Rp {alone}"
