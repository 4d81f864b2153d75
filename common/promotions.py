"""Promotions as the central store sends them, turned into a line discount (the same rule online and in store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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

    def discount(self, qty: int) -> Discount:
        # An amount promotion is per item: "Rp 500 off" takes Rp 1.000 off two.
        return Discount("percent", self.value) if self.kind == "percent" else Discount("amount", self.value * qty)


def best_promotion(
    promos: list[Promo], sku: str, unit_price: int, qty: int, at: datetime
) -> tuple[Promo, Discount] | None:
    """The promotion that takes the most off this line now; promotions do not stack."""
    gross = unit_price * qty
    best: tuple[int, Promo, Discount] | None = None
    for p in promos:
        if not p.applies(sku, at) or p.value <= 0:
            continue
        d = p.discount(qty)
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
