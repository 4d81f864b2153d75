"""Promotions as the central store sends them, turned into a line discount (the same rule online and in store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .errors import DomainError
from .limits import MAX_AMOUNT
from .measure import line_gross
from .money import format_money
from .pricing import Discount


@dataclass(frozen=True)
class Promo:
    id: str
    name: str
    kind: str  # percent (basis points) | amount (minor units off each item)
    value: int
    skus: frozenset[str]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    active: bool = True

    def applies(self, sku: str, at: datetime) -> bool:
        return (
            self.active
            and sku in self.skus
            and (self.starts_at is None or self.starts_at <= at)
            and (self.ends_at is None or at < self.ends_at)
        )

    def discount(self, qty: int, measure: str = "unit") -> Discount:
        # An amount promotion is per item: "Rp 500 off" takes Rp 1.000 off two (and Rp 625 off 1,250 kg of a
        # weighed product, per kg by the same rounding as its price).
        if self.kind == "percent":
            return Discount("percent", self.value)
        return Discount("amount", line_gross(self.value, qty, measure))


def best_promotion(
    promos: list[Promo], sku: str, unit_price: int, qty: int, at: datetime, measure: str = "unit"
) -> tuple[Promo, Discount] | None:
    """The promotion that takes the most off this line now; promotions do not stack."""
    gross = line_gross(unit_price, qty, measure)
    best: tuple[int, Promo, Discount] | None = None
    for p in promos:
        if not p.applies(sku, at) or p.value <= 0:
            continue
        d = p.discount(qty, measure)
        off = d.amount_on(gross)
        if off > 0 and (best is None or off > best[0]):
            best = (off, p, d)
    return (best[1], best[2]) if best else None


def offer(promos: list[Promo], sku: str, unit_price: int, at: datetime) -> dict[str, object]:
    """What a shelf label, the kiosk and the online shop show for one item now: the promotion's price and name
    (None, None without one). The till prices the scanned line with the same `best_promotion`."""
    best = best_promotion(promos, sku, unit_price, 1, at)
    if best is None:
        return {"promo_price": None, "promo": None}
    return {"promo_price": unit_price - best[1].amount_on(unit_price), "promo": best[0].name}


def parse_value(kind: str, text: str) -> int:
    """A promotion's value as a person types it: a percent ("15", "12,5") for a percent promotion, stored as basis
    points (1250); Rupiah ("500", "1.000") for an amount promotion. Refuses what a retailer would not mean."""
    raw = text.strip().replace(" ", "")
    if kind == "percent":
        try:
            percent = Decimal(raw.rstrip("%").replace(",", "."))
        except InvalidOperation:
            raise DomainError("bad_promotion_value", "type the percent off, such as 15 or 12,5") from None
        if not percent.is_finite() or not 0 < percent <= 100 or percent * 100 != int(percent * 100):
            raise DomainError("bad_promotion_value", "a percent off is more than 0 and at most 100, with two decimals")
        return int(percent * 100)
    digits = raw.removeprefix("Rp").replace(".", "")
    if not digits.isdigit() or not 1 <= int(digits) <= MAX_AMOUNT:
        raise DomainError("bad_promotion_amount", "type the Rupiah off each item", max=MAX_AMOUNT)
    return int(digits)


def shown_value(kind: str, value: int) -> str:
    """A promotion's value as people read it: 15% or 12,5% (not basis points), or Rp 500."""
    if kind == "percent":
        whole, rest = divmod(value, 100)
        return f"{whole}%" if not rest else f"{whole},{rest:02d}".rstrip("0") + "%"
    return format_money(value)
