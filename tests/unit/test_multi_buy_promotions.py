"""Multi-buy promotions in the pure rule: "2 untuk Rp 10.000" and "Beli 2 Gratis 1" priced per complete set on one
line of one SKU, the rest at the usual price; never a set dearer than its items; never on a weighed line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from common import i18n
from common.errors import DomainError
from common.promotions import Promo, best_promotion, check_multi_buy, deal_words, offer, shown_value

AT = datetime(2026, 12, 6, 10, 0)
SKU = "SKU-00001"


def _bundle(qty: int = 2, value: int = 10_000) -> Promo:
    return Promo("b", "Hemat berdua", "bundle", value, frozenset({SKU}), set_qty=qty)


def _free(buy: int = 2, free: int = 1) -> Promo:
    return Promo("f", "Beli 2 Gratis 1", "free", free, frozenset({SKU}), set_qty=buy + free)


def _off(promos: list[Promo], price: int, qty: int, measure: str = "unit") -> int:
    best = best_promotion(promos, SKU, price, qty, AT, measure)
    return best[1].amount_on(price * qty) if best else 0


@pytest.mark.parametrize(("qty", "off"), [(1, 0), (2, 2_000), (3, 2_000), (4, 4_000), (5, 4_000)])
def test_a_bundle_prices_each_complete_set_at_its_price_and_the_rest_at_the_usual_price(qty: int, off: int) -> None:
    assert _off([_bundle()], 6_000, qty) == off  # 2 x Rp 6.000 = Rp 12.000 for Rp 10.000


@pytest.mark.parametrize(("qty", "off"), [(1, 0), (2, 0), (3, 3_500), (5, 3_500), (6, 7_000), (7, 7_000)])
def test_beli_2_gratis_1_gives_one_free_in_every_three_on_the_line(qty: int, off: int) -> None:
    assert _off([_free()], 3_500, qty) == off


def test_a_bundle_dearer_than_its_items_gives_nothing() -> None:
    assert _off([_bundle(2, 10_000)], 4_000, 4) == 0  # 2 for Rp 10.000 when 2 cost Rp 8.000
    assert best_promotion([_bundle(2, 10_000)], SKU, 4_000, 4, AT) is None


def test_a_weighed_or_labelled_line_never_gets_a_multi_buy() -> None:
    assert _off([_bundle(), _free()], 6_000, 3_000, "weight") == 0
    assert _off([_free()], 6_000, 3, "label") == 0


def test_the_best_promotion_for_the_line_s_quantity_wins_and_they_do_not_stack() -> None:
    ten_percent = Promo("p", "Diskon 10%", "percent", 1_000, frozenset({SKU}))
    promos = [ten_percent, _free()]
    assert best_promotion(promos, SKU, 3_500, 2, AT)[0].id == "p"  # type: ignore[index]
    assert best_promotion(promos, SKU, 3_500, 3, AT)[0].id == "f"  # type: ignore[index]
    assert _off(promos, 3_500, 3) == 3_500


def test_a_kind_this_code_does_not_know_gives_no_discount() -> None:
    later = Promo("x", "Paket", "mixmatch", 10_000, frozenset({SKU}), set_qty=2)
    assert later.discount(4, "unit", 6_000) is None
    assert best_promotion([later], SKU, 6_000, 4, AT) is None


def test_the_deal_reads_as_shelves_say_it_in_both_languages() -> None:
    assert deal_words("free", 3, 1) == "Beli 2 Gratis 1" and deal_words("free", 3, 1, "en") == "Buy 2 get 1 free"
    assert deal_words("bundle", 2, 10_000) == "2 untuk Rp 10.000"
    assert deal_words("bundle", 2, 10_000, "en") == "2 for Rp 10.000"
    assert deal_words("amount", None, 500) is None and shown_value("free", 1, 3) == "Beli 2 Gratis 1"


def test_the_deal_s_words_are_the_catalog_s_so_a_translator_can_change_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = i18n.catalog("promotions")
    assert (
        shipped["id"]["deal.free"] == "Beli {buy} Gratis {free}" and shipped["en"]["deal.bundle"] == "{qty} for {price}"
    )
    reworded = {"id": {**shipped["id"], "deal.free": "Beli {buy} dapat {free} gratis"}, "en": shipped["en"]}
    (tmp_path / "promotions.json").write_text(json.dumps(reworded), encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOG_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        assert (
            deal_words("free", 3, 1) == "Beli 2 dapat 1 gratis" and deal_words("free", 3, 1, "en") == "Buy 2 get 1 free"
        )
        assert offer([_free()], SKU, 3_500, AT)["deal"] == "Beli 2 dapat 1 gratis"
    finally:
        i18n.catalog.cache_clear()


def test_an_offer_shows_the_deal_in_words_rather_than_a_single_promo_price() -> None:
    assert offer([_free()], SKU, 3_500, AT) == {
        "promo_price": None,
        "promo": None,
        "deal": "Beli 2 Gratis 1",
        "deal_en": "Buy 2 get 1 free",
    }
    assert offer([_bundle(2, 10_000)], SKU, 4_000, AT)["deal"] is None  # no saving, no deal shown
    assert offer([], SKU, 3_500, AT) == {"promo_price": None, "promo": None, "deal": None, "deal_en": None}


@pytest.mark.parametrize(
    ("kind", "qty", "value", "code"),
    [
        ("free", None, 1, "bad_set_qty"),
        ("free", 1, 1, "bad_set_qty"),
        ("free", 3, 0, "bad_free_qty"),
        ("free", 3, 3, "bad_free_qty"),
        ("bundle", 2, 0, "bad_bundle_price"),
    ],
)
def test_a_multi_buy_a_retailer_would_not_mean_is_refused(kind: str, qty: int | None, value: int, code: str) -> None:
    with pytest.raises(DomainError) as e:
        check_multi_buy(kind, qty, value)
    assert e.value.code == code
    check_multi_buy("free", 3, 2)
    check_multi_buy("bundle", 2, 10_000)
