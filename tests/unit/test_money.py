"""Money is whole minor units of one currency, and allocation never loses or invents a Rupiah."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.money import (
    Currency,
    Money,
    allocate,
    div_half_up,
    format_money,
    parse_percent,
    percent_of,
    round_half_up,
    round_to_unit,
)


def test_money_adds_and_subtracts_amounts_of_the_same_currency() -> None:
    assert Money(12_500) + Money(500) == Money(13_000)
    assert Money(12_500) - Money(13_000) == Money(-500)
    assert -Money(700) == Money(-700)
    assert Money(3_500) * 3 == Money(10_500)


@pytest.mark.parametrize("amount", [1.0, 12.5, "100", None, True])
def test_money_refuses_anything_but_an_int(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount)  # type: ignore[arg-type]


def test_money_cannot_be_multiplied_by_a_float() -> None:
    with pytest.raises(TypeError):
        Money(1_000) * 1.1  # type: ignore[operator]


def test_money_refuses_to_mix_currencies() -> None:
    with pytest.raises(ValueError, match="IDR and USD"):
        Money(1_000) + Money(1, "USD")
    with pytest.raises(ValueError):
        Money(1_000) - Money(1, "USD")


def test_money_allocates_by_largest_remainder_in_its_own_currency() -> None:
    assert Money(100, "USD").allocate([1, 1, 1]) == [Money(34, "USD"), Money(33, "USD"), Money(33, "USD")]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (12_500, "Rp 12.500"),
        (0, "Rp 0"),
        (500, "Rp 500"),
        (1_234_567, "Rp 1.234.567"),
        (-12_500, "-Rp 12.500"),
    ],
)
def test_rupiah_is_shown_with_dots_between_thousands(amount: int, text: str) -> None:
    assert format_money(amount) == text


def test_a_currency_with_minor_units_shows_them_after_its_decimal_sign() -> None:
    usd = Currency("USD", 2, "$", ",", ".")
    assert format_money(123_456, usd) == "$ 1,234.56"
    assert format_money(-5, usd) == "-$ 0.05"


def test_percent_of_rounds_half_up_once() -> None:
    assert percent_of(3_500, 1_000) == 350  # 10%
    assert percent_of(3_395, 250) == 85  # 84.875 -> 85
    assert percent_of(50, 1_000) == 5
    assert percent_of(5, 1_000) == 1  # 0.5 -> 1


def test_a_percent_has_at_most_two_decimals() -> None:
    assert parse_percent("12.5") == 1_250
    assert parse_percent(10) == 1_000
    with pytest.raises(ValueError):
        parse_percent("12.345")


def test_cash_rounding_goes_to_the_nearest_unit_and_halves_go_up() -> None:
    assert round_to_unit(12_349, 100) == 12_300
    assert round_to_unit(12_350, 100) == 12_400
    assert round_to_unit(12_351, 0) == 12_351


def test_allocation_gives_the_leftover_rupiah_to_the_largest_remainders() -> None:
    # exact shares 33.33, 33.33, 33.33 -> the first (tie, earlier line) gets the spare Rupiah
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    # exact shares 16.67 (0.67), 33.33 (0.33), 50 -> the .67 gets it
    assert allocate(100, [1, 2, 3]) == [17, 33, 50]
    assert allocate(-10, [1, 1, 1]) == [-4, -3, -3]
    assert allocate(7, [0, 0]) == [0, 0]
    assert allocate(7, []) == []


@given(
    total=st.integers(min_value=-(10**12), max_value=10**12),
    weights=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30).filter(lambda w: sum(w) > 0),
)
def test_allocated_parts_sum_to_the_total_and_each_is_within_one_of_its_exact_share(
    total: int, weights: list[int]
) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert abs(part - exact) < 1
        assert weight or part == 0


@given(st.integers(-(2**63), 2**63), st.integers(1, 10**6))
def test_prices_round_in_integers_exactly_as_the_exact_fraction_does(numerator: int, denominator: int) -> None:
    """A scan prices the sale in integers (no Fraction per line): every tax, percent and cash rounding a till
    shows is the exact quotient rounded half away from zero."""
    exact = Fraction(numerator, denominator)
    whole = abs(exact.numerator) // exact.denominator
    rest = abs(exact) - whole
    expected = (whole + (1 if rest >= Fraction(1, 2) else 0)) * (1 if exact >= 0 else -1)
    assert div_half_up(numerator, denominator) == round_half_up(exact) == expected
