"""Mixed multi-buys ("Beli 2 Gratis 1, boleh campur"): any of the promotion's products count towards a set across a
sale's lines; the cheapest item of a set is the free one; "N untuk Rp X" spreads what a set saves over its items
in whole Rupiah adding up exactly; a line with the cashier's own discount joins no set."""

from __future__ import annotations

from datetime import datetime
from itertools import combinations, permutations

from hypothesis import given
from hypothesis import strategies as st

from common.mixed_sets import Item, promote_lines, shares
from common.promotions import Promo, deal_words, offer

AT = datetime(2026, 12, 6, 10, 0)
SKUS = frozenset({"A", "B", "C", "D"})


def _free(buy: int = 2, free: int = 1, mixed: bool = True) -> Promo:
    return Promo("f", "Beli 2 Gratis 1 campur", "free", free, SKUS, set_qty=buy + free, mixed=mixed)


def _bundle(qty: int = 3, price: int = 20_000, mixed: bool = True) -> Promo:
    return Promo("b", "3 untuk Rp 20.000", "bundle", price, SKUS, set_qty=qty, mixed=mixed)


def _offs(promos: list[Promo], *lines: tuple[str, int, int]) -> dict[str, int]:
    items = [Item(f"l{n}", sku, price, qty) for n, (sku, price, qty) in enumerate(lines)]
    got = promote_lines(promos, items, AT)
    return {it.key: got[it.key][1].value if it.key in got else 0 for it in items}


def test_three_different_products_make_a_set_and_the_cheapest_is_free() -> None:
    assert _offs([_free()], ("A", 10_000, 1), ("B", 8_000, 1), ("C", 5_000, 1)) == {"l0": 0, "l1": 0, "l2": 5_000}


def test_the_same_products_without_mixing_give_nothing() -> None:
    assert _offs([_free(mixed=False)], ("A", 10_000, 1), ("B", 8_000, 1), ("C", 5_000, 1)) == {
        "l0": 0,
        "l1": 0,
        "l2": 0,
    }


def test_several_sets_are_cut_dearest_first_and_the_cheapest_left_over_pay_the_usual_price() -> None:
    # 10, 9, 8 | 7, 6, 5 | 4 left over: 8 and 5 free
    offs = _offs([_free()], ("A", 10_000, 1), ("B", 9_000, 1), ("C", 8_000, 1), ("D", 7_000, 1))
    assert offs == {"l0": 0, "l1": 0, "l2": 8_000, "l3": 0}
    more = [("A", 10_000, 1), ("B", 9_000, 1), ("C", 8_000, 1), ("D", 7_000, 1), ("A", 6_000, 1), ("B", 5_000, 2)]
    assert sum(_offs([_free()], *more).values()) == 8_000 + 5_000  # one Rp 5.000 free, the other left over


def test_a_bundle_spreads_what_its_set_saves_over_its_items_exactly_in_whole_rupiah() -> None:
    # 9.000 + 8.000 + 7.001 = 24.001 for Rp 20.000: Rp 4.001 saved, spread by price
    offs = _offs([_bundle()], ("A", 9_000, 1), ("B", 8_000, 1), ("C", 7_001, 1))
    assert sum(offs.values()) == 4_001 and all(isinstance(v, int) for v in offs.values())
    assert offs["l0"] >= offs["l1"] >= offs["l2"] > 0


def test_a_bundle_over_several_lines_and_whole_sets_on_one_line_add_up() -> None:
    offs = _offs([_bundle()], ("A", 9_000, 4), ("B", 8_000, 2), ("C", 1_000, 1))
    # 9, 9, 9 | 9, 8, 8 | 1 left over: saves 7.000 + 5.000
    assert sum(offs.values()) == 12_000 and offs["l2"] == 0


def test_a_line_with_the_cashier_s_own_discount_joins_no_set() -> None:
    items = [Item("a", "A", 10_000, 1), Item("b", "B", 8_000, 1, own=True), Item("c", "C", 5_000, 1)]
    assert promote_lines([_free()], items, AT) == {}
    items.append(Item("d", "D", 4_000, 1))
    assert promote_lines([_free()], items, AT)["d"][1].value == 4_000


def test_a_weighed_line_joins_no_set() -> None:
    items = [Item("a", "A", 10_000, 1), Item("b", "B", 8_000, 1500, "weight"), Item("c", "C", 5_000, 1)]
    assert promote_lines([_free()], items, AT) == {}


def test_the_order_lines_were_scanned_in_changes_nothing() -> None:
    lines = [("A", 10_000, 2), ("B", 7_500, 1), ("C", 5_000, 3), ("D", 7_500, 1)]
    totals = {sum(_offs([_bundle(3, 15_000)], *order).values()) for order in permutations(lines)}
    assert len(totals) == 1


def test_a_line_its_own_promotion_gives_more_keeps_it_and_the_sets_are_counted_without_it() -> None:
    half = Promo("h", "Diskon 50%", "percent", 5_000, frozenset({"A"}))
    got = promote_lines(
        [_free(), half], [Item("a", "A", 10_000, 1), Item("b", "B", 8_000, 1), Item("c", "C", 5_000, 1)], AT
    )
    assert {k: (p.id, d.value) for k, (p, d) in got.items()} == {"a": ("h", 5_000)}


@given(st.lists(st.tuples(st.integers(1, 20_000), st.integers(1, 2)), max_size=4), st.integers(2, 4))
def test_dearest_first_gives_the_most_any_cut_into_sets_gives_and_adds_up(
    lines: list[tuple[int, int]], size: int
) -> None:
    for p in (_free(size - 1, 1), _bundle(size, 10_000)):
        off, _ = shares(p, lines)
        units = sorted((price for price, qty in lines for _ in range(qty)), reverse=True)
        assert sum(off) == _brute(p, units) and all(o >= 0 for o in off)


def _brute(p: Promo, units: list[int]) -> int:
    """The most any cut of the items into sets (cheapest free in each) saves, by trying them all (small only)."""
    size = p.set_qty or 0

    def best(left: tuple[int, ...]) -> int:
        if len(left) < size:
            return 0
        first, rest = left[0], left[1:]
        skip = best(rest)  # the dearest left over
        for picked in _combos(range(len(rest)), size - 1):
            chosen = sorted([first, *(rest[i] for i in picked)], reverse=True)
            remain = tuple(x for i, x in enumerate(rest) if i not in picked)
            saved = sum(chosen[size - p.value :]) if p.kind == "free" else max(0, sum(chosen) - p.value)
            skip = max(skip, saved + best(remain))
        return skip

    return best(tuple(units))


def _combos(pool: range, k: int) -> list[tuple[int, ...]]:
    return list(combinations(pool, k))


def test_the_deal_says_campur_when_its_products_may_be_mixed() -> None:
    assert deal_words("free", 3, 1, mixed=True) == "Beli 2 Gratis 1 (campur)"
    assert deal_words("bundle", 3, 20_000, "en", mixed=True) == "3 for Rp 20.000 (mixed)"
    assert offer([_free()], "A", 5_000, AT)["deal"] == "Beli 2 Gratis 1 (campur)"
    assert offer([_free(mixed=False)], "A", 5_000, AT)["deal"] == "Beli 2 Gratis 1"
