"""Pricing a sale: line and whole-sale discounts spread by largest remainder, tax once per group."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError
from common.money import round_half_up
from common.pricing import Discount, LineInput, needs_approval, price_sale, taxes_by_group
from pos.domain.refunds import SoldLine, plan_refund


def line(line_id: str, price: int, qty: int = 1, group: str = "PPN", discount: Discount | None = None) -> LineInput:
    rate = 1_100 if group == "PPN" else 0
    return LineInput(line_id, f"SKU-{line_id}", f"Item {line_id}", price, qty, group, rate, discount)


def test_tax_is_rounded_once_per_group_not_once_per_line() -> None:
    # Each Rp 1.500 line holds 148.65 of PPN: rounded per line that is 149 + 149 = 298,
    # but the group's Rp 3.000 holds 297.30, so the receipt shows 297.
    per_line = sum(round_half_up(Fraction(1_500 * 1_100, 11_100)) for _ in range(2))
    sale = price_sale([line("a", 1_500), line("b", 1_500)])
    assert per_line == 298
    assert [(t.group, t.gross, t.tax, t.base) for t in sale.taxes] == [("PPN", 3_000, 297, 2_703)]
    assert sale.tax_total == 297


def test_each_tax_group_gets_its_own_line_and_the_zero_group_has_no_tax() -> None:
    sale = price_sale([line("a", 3_500, 2), line("b", 28_000, group="NONPPN"), line("c", 4_500)])
    taxes = {t.group: t for t in sale.taxes}
    assert taxes["PPN"].gross == 11_500
    assert taxes["PPN"].tax == 1_140  # 11500 * 11/111 = 1139.64
    assert taxes["PPN"].base == 10_360
    assert taxes["NONPPN"].gross == 28_000 and taxes["NONPPN"].tax == 0
    assert sale.total == 39_500 == sum(t.gross for t in sale.taxes)


def test_tax_is_taken_from_the_discounted_price() -> None:
    sale = price_sale([line("a", 11_100, discount=Discount("amount", 1_110))])
    assert sale.taxes[0].gross == 9_990
    assert sale.taxes[0].tax == 990


def test_tax_groups_with_a_half_rupiah_round_up() -> None:
    assert taxes_by_group([("X", 1_000, 11)])[0].tax == 1  # 11 at 10% inclusive: 11 * 10/110 = 1
    assert taxes_by_group([("X", 2_500, 25)])[0].tax == 5  # 25 at 25%: 25 * 25/125 = 5
    assert taxes_by_group([("X", 10_000, 1)])[0].tax == 1  # 1 at 100%: 0.5 -> 1, half up
    assert taxes_by_group([("X", 1_100, 5)])[0].tax == 0  # 5 at 11%: 0.495 -> 0


def test_a_line_discount_and_a_sale_discount_are_spread_so_the_nets_add_up_to_the_total() -> None:
    sale = price_sale(
        [line("a", 3_500, 3, discount=Discount("percent", 1_000)), line("b", 4_500), line("c", 28_000, group="NONPPN")],
        Discount("amount", 1_000),
    )
    a, b, c = sale.lines
    assert (a.gross, a.line_discount) == (10_500, 1_050)
    # the Rp 1.000 sale discount over 9450 / 4500 / 28000 of 41950: 225.27, 107.27, 667.46
    assert [l.sale_discount for l in sale.lines] == [225, 107, 668]
    assert [l.net for l in sale.lines] == [9_225, 4_393, 27_332]
    assert sale.subtotal == 43_000
    assert sale.line_discounts == 1_050 and sale.sale_discount == 1_000 and sale.discount_total == 2_050
    assert sale.total == 40_950 == sum(l.net for l in sale.lines)


def test_a_percent_sale_discount_is_taken_once_from_the_sale_then_spread() -> None:
    sale = price_sale([line("a", 3_333), line("b", 3_333), line("c", 3_334)], Discount("percent", 1_000))
    assert sale.sale_discount == 1_000
    assert [l.sale_discount for l in sale.lines] == [333, 333, 334]
    assert sale.total == 9_000


def test_an_amount_discount_never_makes_a_line_negative() -> None:
    sale = price_sale([line("a", 3_500, discount=Discount("amount", 10_000))], Discount("amount", 500))
    assert sale.lines[0].line_discount == 3_500
    assert sale.total == 0 and sale.sale_discount == 0


def test_refunding_every_unit_of_a_discounted_line_returns_exactly_what_it_cost() -> None:
    sale = price_sale([line("a", 3_500, 3), line("b", 4_500, 1)], Discount("percent", 700))
    a = sale.lines[0]
    sold = [SoldLine(a.line_id, a.sku, a.qty, a.net, a.tax_group, a.tax_rate_bp)]
    assert plan_refund(sold, [("a", 3)]).amount == a.net == 9_765


@given(
    prices=st.lists(st.integers(min_value=0, max_value=2_000_000), min_size=1, max_size=12),
    qtys=st.lists(st.integers(min_value=1, max_value=50), min_size=12, max_size=12),
    percents=st.lists(st.integers(min_value=0, max_value=10_000), min_size=12, max_size=12),
    sale_amount=st.integers(min_value=0, max_value=10**8),
)
def test_for_any_sale_the_line_nets_add_up_to_the_total_and_the_taxes_to_the_groups(
    prices: list[int], qtys: list[int], percents: list[int], sale_amount: int
) -> None:
    lines = [
        line(str(i), p, qtys[i], "PPN" if i % 3 else "NONPPN", Discount("percent", percents[i]) if i % 2 else None)
        for i, p in enumerate(prices)
    ]
    sale = price_sale(lines, Discount("amount", sale_amount))
    assert sum(l.net for l in sale.lines) == sale.total == sale.subtotal - sale.discount_total
    assert all(l.net >= 0 for l in sale.lines)
    assert sum(t.gross for t in sale.taxes) == sale.total


def test_a_sale_refuses_a_line_with_no_quantity() -> None:
    with pytest.raises(DomainError) as err:
        price_sale([line("a", 3_500, 0)])
    assert err.value.code == "bad_quantity"


@pytest.mark.parametrize(("kind", "value"), [("amount", -1), ("percent", 10_001), ("gift", 1)])
def test_a_discount_cannot_be_negative_over_100_percent_or_of_an_unknown_kind(kind: str, value: int) -> None:
    with pytest.raises(DomainError):
        Discount(kind, value)  # type: ignore[arg-type]


def test_discounts_above_ten_percent_need_a_manager_and_ten_percent_does_not() -> None:
    assert not needs_approval(Discount("percent", 1_000), 10_000, 1_000)
    assert needs_approval(Discount("percent", 1_001), 10_000, 1_000)
    assert not needs_approval(Discount("amount", 350), 3_500, 1_000)
    assert needs_approval(Discount("amount", 351), 3_500, 1_000)
