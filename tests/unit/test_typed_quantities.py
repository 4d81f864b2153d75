"""Quantities as a person types them on the stock forms: whole items with thousands dots in groups of three,
weights in kg with either decimal sign (QA pass on weighed goods)."""

from __future__ import annotations

import pytest

from common.errors import DomainError
from common.measure import parse_weight, parse_whole


@pytest.mark.parametrize(("typed", "n"), [("15", 15), ("1.500", 1_500), ("1.000.000", 1_000_000), (" 2 ", 2)])
def test_a_whole_number_may_group_its_thousands_with_dots(typed: str, n: int) -> None:
    assert parse_whole(typed) == n


@pytest.mark.parametrize("typed", ["1.5", "1,5", "12.50", "0,5"])
def test_a_fraction_of_an_item_is_refused_never_read_as_thousands(typed: str) -> None:
    with pytest.raises(DomainError) as e:
        parse_whole(typed)
    assert e.value.code == "whole_items_only" and "whole items only" in e.value.message


def test_a_dot_that_does_not_group_three_digits_is_not_a_number() -> None:
    with pytest.raises(DomainError) as e:
        parse_whole("1.50.0")
    assert e.value.code == "bad_quantity"


@pytest.mark.parametrize(
    ("typed", "grams"),
    [("200", 200_000), ("25", 25_000), ("1,5", 1_500), ("1.5", 1_500), ("0,125", 125), ("125 g", 125), ("0", 0)],
)
def test_a_stock_weight_is_kg_unless_it_says_grams(typed: str, grams: int) -> None:
    assert parse_weight(typed, counted=True) == grams


def test_the_till_keeps_its_own_rule_for_a_bare_number() -> None:
    assert parse_weight("200") == 200 and parse_weight("2") == 2_000


def test_a_stock_weight_that_is_not_one_says_how_to_type_it() -> None:
    with pytest.raises(DomainError) as e:
        parse_weight("12,5 g", counted=True)
    assert e.value.code == "bad_weight" and "a bare number is kg" in e.value.message
