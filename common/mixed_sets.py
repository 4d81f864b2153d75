"""Mixed multi-buys ("Beli 2 Gratis 1, boleh campur", "3 untuk Rp 20.000 campur"): any items of the promotion's
products count towards a set, across the lines of one sale (items counted in units only). One rule for the till,
the online cart and central's check.

The rule, as Indonesian minimarkets run it:
- The items are lined up dearest first (equal prices in the order of their lines) and cut into sets of `set_qty`
  from the top; the cheapest items left over (fewer than a set) pay the usual price.
- "free" (Beli N Gratis M): in each set the M cheapest items are free.
- "bundle" (N untuk Rp X): a set saves its items' usual price less X (never a set dearer than its items); what it
  saves is spread over its items in proportion to their prices, by largest remainder (ties to the dearer item), so
  each line's discount is whole Rupiah and the lines' discounts add up to exactly what the sets save.
Cutting dearest first gives the most any cut into sets could give, and adding items never gives less: central
judges a sale's lines of one promotion together against this figure (central/services/promotion_checks.py).

A sale's lines are given their promotions by `promote_lines`: a line with a cashier's own discount joins no set; a
line whose best single-line promotion saves more than its share of a mixed promotion keeps that one instead and
leaves the sets (counted again without it); promotions never stack. A line in a set that its set gives nothing (the
dearer item of Beli 2 Gratis 1) names no promotion and has no discount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .measure import line_gross
from .money import allocate
from .pricing import Discount
from .promotions import MULTI_BUY, Promo, best_promotion


@dataclass(frozen=True)
class Item:
    """A sale line as the rule reads it; `own` is a cashier's own discount on it (it joins no set)."""

    key: str
    sku: str
    unit_price: int
    qty: int
    measure: str = "unit"
    own: bool = False


def is_mixed(p: Promo) -> bool:
    return p.mixed and p.kind in MULTI_BUY and bool(p.set_qty) and (p.set_qty or 0) >= 2 and p.value > 0


def shares(p: Promo, lines: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Each line's discount under mixed promotion `p`, for lines given as (unit price, qty), and how many of each
    line's items are in a complete set."""
    size = p.set_qty or 0
    off, in_sets = [0] * len(lines), [0] * len(lines)
    total = sum(max(0, q) for _, q in lines)
    if p.kind not in MULTI_BUY or size < 2 or total < size:
        return off, in_sets
    order = sorted(range(len(lines)), key=lambda i: (-lines[i][0], i))
    counted = (total // size) * size  # the items in complete sets: the dearest ones
    pos = 0
    runs: list[tuple[int, int, int]] = []  # (line, first position, items) in the sets, dearest first
    for i in order:
        qty = min(max(0, lines[i][1]), counted - pos)
        if qty > 0:
            runs.append((i, pos, qty))
            in_sets[i] = qty
            pos += qty
    if p.kind == "free":
        free = min(p.value, size)
        for i, start, qty in runs:
            off[i] += (_free_before(start + qty, size, free) - _free_before(start, size, free)) * lines[i][0]
        return off, in_sets
    _bundle(p.value, size, [(i, qty, lines[i][0]) for i, _, qty in runs], off)
    return off, in_sets


def _free_before(pos: int, size: int, free: int) -> int:
    """How many of the first `pos` items are free: the last `free` of each set."""
    return (pos // size) * free + max(0, pos % size - (size - free))


def _bundle(price: int, size: int, runs: list[tuple[int, int, int]], off: list[int]) -> None:
    """Each set's saving spread over its items' lines (runs: (line, items, unit price), dearest first)."""
    pieces: list[tuple[int, int, int]] = []  # the set being filled: (line, items, unit price)
    for i, qty, unit in runs:
        left = qty
        while left:
            filled = sum(n for _, n, _ in pieces)
            if not pieces and left >= size:  # whole sets of one line: the line takes all they save
                whole = left // size
                off[i] += whole * max(0, size * unit - price)
                left -= whole * size
                continue
            take = min(left, size - filled)
            pieces.append((i, take, unit))
            left -= take
            if filled + take == size:
                saved = max(0, sum(n * u for _, n, u in pieces) - price)
                for (j, _, _), part in zip(pieces, allocate(saved, [n * u for _, n, u in pieces]), strict=True):
                    off[j] += part
                pieces = []


def promote_lines(promos: Sequence[Promo], items: Sequence[Item], at: datetime) -> dict[str, tuple[Promo, Discount]]:
    """Each line's promotion (by `key`; a line not named has none): a single-line promotion as `best_promotion`
    gives it, or its share of a mixed one's sets. The mixed promotion that saves the most is settled first."""
    single_promos = [p for p in promos if not is_mixed(p)]
    out: dict[str, tuple[Promo, Discount]] = {}
    single: dict[str, int] = {}
    for it in items:
        if it.own:
            continue
        best = best_promotion(single_promos, it.sku, it.unit_price, it.qty, at, it.measure)
        if best is not None:
            out[it.key] = best
            single[it.key] = best[1].amount_on(line_gross(it.unit_price, it.qty, it.measure))
    left = [p for p in promos if is_mixed(p)]
    taken: set[str] = set()
    while left:
        plans = []
        for p in left:
            members = [
                it
                for it in items
                if not it.own and it.measure == "unit" and it.key not in taken and p.applies(it.sku, at)
            ]
            plans.append((p, _settle(p, members, single)))
        p, plan = max(plans, key=lambda pp: (sum(off for off, _ in pp[1].values()), pp[0].id))
        if not any(off for off, _ in plan.values()):
            break
        for key, (off, in_sets) in plan.items():
            if in_sets:
                taken.add(key)
                out.pop(key, None)
            if off:
                out[key] = (p, Discount("amount", off))
        left.remove(p)
    return out


def _settle(p: Promo, members: list[Item], single: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The lines `p`'s sets take, {key: (discount, items in sets)}: a line its own promotion gives more leaves, and
    the sets are counted again without it."""
    while True:
        off, in_sets = shares(p, [(it.unit_price, it.qty) for it in members])
        stay = [n for n, it in enumerate(members) if single.get(it.key, 0) <= off[n]]
        if len(stay) == len(members):
            return {it.key: (off[n], in_sets[n]) for n, it in enumerate(members)}
        members = [members[n] for n in stay]
