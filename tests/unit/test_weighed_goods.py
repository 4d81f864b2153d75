"""Weighed goods in the pure rules: grams and kg typed and shown, the one rounding rule, scale labels (EAN-13
variable-measure codes) with their check digits, and the receipt's "1,250 kg x Rp 120.000"."""

from __future__ import annotations

from datetime import datetime

import pytest

from common.barcodes import ean13_check_digit
from common.errors import DomainError
from common.measure import format_qty, line_gross, parse_weight, qty_texts
from common.pricing import LineInput, price_sale
from common.promotions import Promo, best_promotion
from common.scale_labels import LabelLayout, price_check_digit, read_label
from pos.domain.receipt import ReceiptLine, plain_text
from tests.unit.test_receipt_layout import sale


def test_a_weighed_gross_is_price_per_kg_times_grams_rounded_half_up_to_the_rupiah() -> None:
    assert line_gross(120_000, 1_250, "weight") == 150_000
    assert line_gross(14_500, 1, "weight") == 15  # 14,5 rounds up
    assert line_gross(14_499, 1, "weight") == 14
    assert line_gross(42_000, 845, "weight") == 35_490
    assert line_gross(3_500, 3, "unit") == 10_500 and line_gross(37_500, 1, "label") == 37_500


def test_a_sale_prices_a_weighed_line_and_spreads_its_discount_like_any_line() -> None:
    lines = [
        LineInput("a", "SKU-W0001", "Beras", 14_000, 1_250, "NONPPN", 0, measure="weight"),
        LineInput("b", "SKU-00001", "Aqua", 3_500, 2, "PPN", 1100),
    ]
    priced = price_sale(lines)
    assert [p.gross for p in priced.lines] == [17_500, 7_000] and priced.total == 24_500


def test_an_amount_promotion_on_a_weighed_product_is_per_kg() -> None:
    promo = Promo("p", "Hemat", "amount", 2_000, frozenset({"SKU-W0003"}))
    _, d = best_promotion([promo], "SKU-W0003", 42_000, 1_250, _at(), "weight") or (None, None)
    assert d is not None and d.amount_on(52_500) == 2_500


def _at() -> datetime:
    return datetime(2026, 12, 4, 10, 0)


@pytest.mark.parametrize(
    ("typed", "grams"),
    [
        ("1,25", 1_250),
        ("1.25", 1_250),
        ("1,250", 1_250),
        ("0,005", 5),
        ("1250", 1_250),
        ("250 g", 250),
        ("2", 2_000),
        ("2 kg", 2_000),
        ("100", 100),
        ("99", 99_000),
    ],
)
def test_a_typed_weight_is_kg_with_a_decimal_sign_or_grams(typed: str, grams: int) -> None:
    assert parse_weight(typed) == grams


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0", "bad_weight"),
        ("0,000", "bad_weight"),
        ("1,2345", "bad_weight"),
        ("abc", "bad_weight"),
        ("-1", "bad_weight"),
        ("1,5 g", "bad_weight"),
        ("150", None),
        ("150,5", "weight_too_large"),
        ("100001 g", "weight_too_large"),
    ],
)
def test_a_weight_that_makes_no_sense_is_refused(typed: str, code: str | None) -> None:
    if code is None:
        assert parse_weight(typed) == 150
        return
    with pytest.raises(DomainError) as e:
        parse_weight(typed)
    assert e.value.code == code


def test_a_weight_shows_as_kg_with_three_decimals_in_the_store_s_format_in_each_language() -> None:
    assert qty_texts(1_250, "weight") == {"id": "1,250 kg", "en": "1,250 kg"}  # the language changes words only
    assert format_qty(5, "weight") == "0,005 kg" and format_qty(3) == "3"


# Real label codes: prefix 20, PLU 00103, 00845 g, check digit 1 (odd places 2+0+1+3+0+4 = 10, even places
# 0+0+0+0+8+5 = 13 x 3 = 39; 10 + 39 = 49, so 1 makes 50); prefix 25, PLU 00201, Rp 37.500, check digit 9.
APEL_845 = "2000103008451"
LAPIS_37500 = "2500201375009"


def test_real_label_codes_read_their_item_code_and_weight_or_price() -> None:
    layout = LabelLayout()
    assert ean13_check_digit(APEL_845[:12]) == 1
    weight = read_label(APEL_845, layout)
    assert weight is not None and (weight.kind, weight.item, weight.value) == ("weight", "103", 845)
    price = read_label(LAPIS_37500, layout)
    assert price is not None and (price.kind, price.item, price.value) == ("price", "201", 37_500)
    assert read_label("8991234567895", layout) is None  # no label prefix: an ordinary barcode
    assert read_label("20001030084", layout) is None  # not 13 digits


def test_a_label_with_a_wrong_check_digit_or_no_value_is_refused() -> None:
    layout = LabelLayout()
    with pytest.raises(DomainError) as e:
        read_label(APEL_845[:-1] + "2", layout)
    assert e.value.code == "bad_check_digit"
    with pytest.raises(DomainError) as e:
        read_label(layout.make("20", 103, 0), layout)
    assert e.value.code == "bad_label_value"


def test_a_price_check_digit_is_checked_when_the_layout_has_one() -> None:
    layout = LabelLayout(value_digits=4, price_check=True)
    # GS1's worked example: price 2875 has price check digit 2 (2- 2 3 5- weights: 4+6+1+3 = 14, x3 = 42)
    assert price_check_digit("2875") == 2
    code = layout.make("25", 201, 2_875)
    assert code[7] == "2"
    label = read_label(code, layout)
    assert label is not None and label.value == 2_875
    body = code[:7] + "7" + code[8:12]
    with pytest.raises(DomainError) as e:
        read_label(body + str(ean13_check_digit(body)), layout)
    assert e.value.code == "bad_check_digit"


def test_a_layout_that_is_not_13_digits_or_mixes_prefixes_is_refused() -> None:
    with pytest.raises(ValueError, match="13"):
        LabelLayout(item_digits=6)
    with pytest.raises(ValueError, match="not both"):
        LabelLayout(weight_prefixes=("20",), price_prefixes=("20",))


def test_the_receipt_shows_the_weight_in_kg_times_the_price_per_kg() -> None:
    line = ReceiptLine("Daging Sapi", 1_250, 120_000, 150_000, 0, 150_000, "weight")
    text = plain_text(sale(lines=(line,), subtotal=150_000, total=150_000), 32)
    assert "1,250 kg x 120.000" in text and "150.000" in text
    assert "1,250 kg x 120.000" in plain_text(sale(lines=(line,), subtotal=150_000, total=150_000), 32, "en")


def test_digits_of_other_scripts_are_no_label_no_weight_and_no_item_code() -> None:
    from common.measure import checked_plu

    assert read_label("²" * 13, LabelLayout()) is None
    assert read_label("٢٠٠٠١٠٣٠٠٨٤٥١", LabelLayout()) is None
    with pytest.raises(DomainError):
        parse_weight("١,٢٥")
    with pytest.raises(DomainError):
        checked_plu("²")


def test_none_of_a_weighed_product_reads_0_kg_in_any_refusal_not_the_scales_0_000_kg() -> None:
    from common import i18n
    from common.measure import WEIGHT

    assert (format_qty(0, WEIGHT), format_qty(5, WEIGHT), format_qty(-1_500, WEIGHT)) == (
        "0 kg",
        "0,005 kg",
        "-1,500 kg",
    )
    shown = i18n.shown_detail("id", {"measure": WEIGHT, "on_hand": 0, "qty": 2_000})
    assert (shown["on_hand"], shown["qty"]) == ("0 kg", "2,000 kg")
