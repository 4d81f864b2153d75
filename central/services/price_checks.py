"""The unit prices a store claims, checked against the prices central set (a token proves who sends, not what is
true): central owns the price list and pushes it to the stores, and the till sells at the price it was sent, so a
sale line's unit price is one central gave that SKU.

A store offline for days rightly sells at a price central has since changed, so every price a SKU has had counts
(`price_history`: each save of a product at central keeps the price it had and the one it gets; the migration kept
the prices as they stood; the product's current price counts too). Prices are never dated: telling a store's days
offline apart would read the order of changes, and a task raised on an honest store costs head office more than it
saves. A weighed line's unit price is its price per kg, as central's. A label-priced line (`label`: the scale
label carries the price of what it weighed) has no price central set, and is not checked.

A sale is a fact, money was taken: a line that fails is recorded with its sale as usual, and raises a reconciliation
task for head office ("price head office never set"), once per sale line (sale_tasks). What fails:
- `unknown_price`: the unit price is none of the prices central ever had for the SKU;
- `unknown_sku`: central has no price for the SKU (a sale of a SKU central lacks is dead-lettered before this).

A promotion's discount is judged on a price central knows (`judged_price`, used by promotion_checks): a forged
high "original" price gives a percent promotion no bigger discount."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import PriceHistory, Product
from common.contract.sale_events import SaleCompleted, SaleLine
from common.measure import LABEL, WEIGHT, format_qty
from common.money import format_money

from .sale_tasks import line_figures, measure_of
from .statements import insert_ignoring

if TYPE_CHECKING:
    from .envelope import Event

KIND = "unit_price"  # the reconciliation task's kind
TASKS = uuid.UUID("0b8f3f5e-61a4-4d0c-8a8e-5c2f4f7d9e21")  # namespace of the tasks' ids: one per sale line


class Known(NamedTuple):
    now: int | None  # the product's price at central today (None: central has no such product)
    ever: frozenset[int]  # every price it has had, today's included


@cache
def _insert_price(dialect: str) -> Any:
    return insert_ignoring(dialect, PriceHistory.__table__, "sku", "price")


def record_prices(s: Session, sku: str, prices: Iterable[int], now: datetime) -> None:
    """Keep these prices of the SKU (once each: a price it had before adds nothing)."""
    conn = s.connection()
    conn.execute(_insert_price(conn.dialect.name), [{"sku": sku, "price": p, "recorded_at": now} for p in set(prices)])


def known_prices(s: Session, skus: set[str]) -> dict[str, Known]:
    """Every price each SKU has had at central, and today's."""
    now = {sku: int(price) for sku, price in s.execute(select(Product.sku, Product.price).where(Product.sku.in_(skus)))}
    ever: dict[str, set[int]] = {sku: {price} for sku, price in now.items()}
    for sku, price in s.execute(select(PriceHistory.sku, PriceHistory.price).where(PriceHistory.sku.in_(skus))):
        ever.setdefault(sku, set()).add(int(price))
    return {sku: Known(now.get(sku), frozenset(prices)) for sku, prices in ever.items()}


def highest_prices(s: Session, skus: set[str]) -> dict[str, int]:
    """The highest price each SKU has had at central."""
    return {sku: max(k.ever) for sku, k in known_prices(s, skus).items()}


def judged_price(line: SaleLine, highest: dict[str, int]) -> int:
    """The unit price a line's promotion is judged on: the claimed one, never above the highest central set (a
    label line's own price: the label carries it)."""
    if measure_of(line) == LABEL or line.sku not in highest:
        return line.unit_price
    return min(line.unit_price, highest[line.sku])


def findings(s: Session, sales: Iterable[tuple[Event, SaleCompleted]]) -> list[dict[str, Any]]:
    """Each line whose unit price central never set, with the figures its task names (sale, line, price, today's)."""
    lines = [(ev, p, n, l) for ev, p in sales for n, l in enumerate(p.lines, start=1) if measure_of(l) != LABEL]
    if not lines:
        return []
    known = known_prices(s, {l.sku for _, _, _, l in lines})
    out = []
    for ev, p, n, l in lines:
        k = known.get(l.sku)
        why = "unknown_sku" if k is None else None if l.unit_price in k.ever else "unknown_price"
        if why is not None:
            out.append({"why": why, **line_figures(ev, p, n, l), "price_now": k.now if k else None})
    return out


def price_said(price: int, measure: str) -> str:
    """Rp 14.000/kg for a weighed product's price per kg, Rp 3.500 otherwise."""
    return format_money(price) + ("/kg" if measure == WEIGHT else "")


def message(f: dict[str, Any]) -> str:
    """Central's own words (English) for the task, for logs and a screen without words for the kind."""
    where = f"sale {f['number']} line {f['line']} ({f['sku']}, {format_qty(f['qty'], f['measure'], '.')} x "
    where += f"{format_money(f['unit_price'])})"
    sold = price_said(f["unit_price"], f["measure"])
    if f["why"] == "unknown_sku":
        said = f"sells at {sold} a product central has no price for"
    else:
        said = f"sells at {sold}, a price central never set for {f['sku']} (now {price_said(f['price_now'], f['measure'])})"
    return f"{where} {said}. Check the sale with the store"
