"""Refunds go against lines of the original sale, never more than sold, at the price actually paid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from pos.domain.refunds import SoldLine, plan_refund, refund_amount
from pos.domain.shifts import CashPosition, receipt_number

# 3 x Rp 3.500 with a 10% line discount and part of a sale discount: the line cost Rp 9.437 in all.
DISCOUNTED = SoldLine("l1", "SKU-00001", 3, 9_437, "PPN", 1_100)
PLAIN = SoldLine("l2", "SKU-00099", 1, 28_000, "NONPPN", 0)


def test_a_refund_of_a_discounted_line_returns_what_was_paid_not_the_shelf_price() -> None:
    plan = plan_refund([DISCOUNTED, PLAIN], [("l1", 1)])
    assert plan.amount == 3_145  # 9437 / 3 = 3145.67, never the Rp 3.500 shelf price
    assert [(l.line_id, l.qty, l.amount) for l in plan.lines] == [("l1", 1, 3_145)]


def test_partial_refunds_of_a_line_add_up_exactly_to_its_net() -> None:
    first = refund_amount(DISCOUNTED, 1)
    second = refund_amount(SoldLine(**{**DISCOUNTED.__dict__, "refunded_qty": 1}), 1)
    third = refund_amount(SoldLine(**{**DISCOUNTED.__dict__, "refunded_qty": 2}), 1)
    assert (first, second, third) == (3_145, 3_146, 3_146)
    assert first + second + third == DISCOUNTED.net


@given(qty=st.integers(1, 40), net=st.integers(0, 10**9), data=st.data())
def test_any_split_of_a_line_into_refunds_adds_up_to_its_net(qty: int, net: int, data: st.DataObject) -> None:
    done, total = 0, 0
    while done < qty:
        take = data.draw(st.integers(1, qty - done))
        total += refund_amount(SoldLine("l", "S", qty, net, "PPN", 1_100, done), take)
        done += take
    assert total == net


def test_a_refund_can_never_be_more_than_was_sold() -> None:
    with pytest.raises(DomainError) as err:
        plan_refund([DISCOUNTED], [("l1", 4)])
    assert err.value.code == "refund_exceeds_sold"


def test_what_was_refunded_before_counts_against_what_is_left() -> None:
    already = SoldLine(**{**DISCOUNTED.__dict__, "refunded_qty": 2})
    with pytest.raises(DomainError):
        plan_refund([already], [("l1", 2)])
    with pytest.raises(DomainError):
        plan_refund([DISCOUNTED], [("l1", 2), ("l1", 2)])  # the same line twice in one request
    assert plan_refund([already], [("l1", 1)]).amount == 3_146


@pytest.mark.parametrize(
    ("wanted", "code"),
    [
        ([("nope", 1)], "unknown_line"),
        ([("l1", 0)], "bad_quantity"),
        ([("l1", -1)], "bad_quantity"),
        ([], "nothing_to_refund"),
    ],
)
def test_a_refund_of_an_unknown_line_or_of_no_units_is_refused(wanted: list[tuple[str, int]], code: str) -> None:
    with pytest.raises(DomainError) as err:
        plan_refund([DISCOUNTED], wanted)
    assert err.value.code == code


def test_a_refund_carries_its_tax_per_group() -> None:
    plan = plan_refund([DISCOUNTED, PLAIN], [("l1", 3), ("l2", 1)])
    assert plan.amount == 37_437
    assert {(t.group, t.gross, t.tax) for t in plan.taxes} == {("PPN", 9_437, 935), ("NONPPN", 28_000, 0)}


def test_the_drawer_should_hold_the_float_plus_cash_sales_less_cash_refunds() -> None:
    cash = CashPosition(opening_float=200_000, cash_sales=57_000, cash_refunds=3_145)
    assert cash.expected == 253_855
    assert cash.variance(253_000) == -855


def test_receipt_numbers_are_store_till_and_a_six_digit_sequence() -> None:
    assert receipt_number("TOKO-01", "T1", 1) == "TOKO-01-T1-000001"
    assert receipt_number("TOKO-01", "T2", 123_456) == "TOKO-01-T2-123456"
