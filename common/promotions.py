"""Promotions as the central store sends them, turned into a line discount (the same rule online and in store).

Multi-buy promotions ("bundle": `set_qty` items for `value` Rupiah; "free": every `set_qty` items, `value` of them free)
count sets on one line of one SKU, unless head office ticked "Boleh campur / Mixed" (`mixed`): then any items of the
promotion's products count towards a set across a sale's lines (common/mixed_sets.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .errors import DomainError
from .i18n import text
from .limits import MAX_AMOUNT
from .measure import line_gross
from .money import format_money
from .pricing import Discount

DEAL_WORDS = "promotions"  # the catalog of a multi-buy's words, shared by every screen and label
MULTI_BUY = ("bundle", "free")  # priced per complete set of `set_qty` on one line; only for items counted in units


def check_multi_buy(kind: str, set_qty: int | None, value: int) -> None:
    """A multi-buy's numbers as a retailer means them: a set of 2 or more; Beli N Gratis M gives 1 to N free of
    N+M (stored as set_qty N+M, value M); N untuk Rp X costs at least Rp 1."""
    if set_qty is None or not 2 <= set_qty <= 1000:
        raise DomainError("bad_set_qty", "a multi-buy needs a set of 2 or more items (at most 1000)")
    if kind == "free" and not 1 <= value < set_qty:
        raise DomainError("bad_free_qty", "buy at least 1 item to get 1 or more free")
    if kind == "bundle" and not 1 <= value <= MAX_AMOUNT:
        raise DomainError("bad_bundle_price", "a set's price is Rp 1 or more", max=MAX_AMOUNT)


def deal_words(kind: str, set_qty: int | None, value: int, lang: str = "id", mixed: bool = False) -> str | None:
    """A multi-buy as shelves say it: "Beli 2 Gratis 1", "2 untuk Rp 10.000" (English: "Buy 2 get 1 free",
    "2 for Rp 10.000"), "Beli 2 Gratis 1 (campur)" when its products may be mixed, worded by the `promotions` catalog
    (static/i18n/promotions.json); None for any other kind."""
    if kind not in MULTI_BUY or not set_qty:
        return None
    if kind == "free":
        deal = text(DEAL_WORDS, lang, "deal.free", buy=set_qty - value, free=value)
    else:
        deal = text(DEAL_WORDS, lang, "deal.bundle", qty=set_qty, price=format_money(value))
    return text(DEAL_WORDS, lang, "deal.mixed", deal=deal) if mixed else deal


@dataclass(frozen=True)
class Promo:
    id: str
    name: str
    kind: str  # percent (basis points) | amount (minor units off each item) | bundle | free (see MULTI_BUY)
    value: int
    skus: frozenset[str]
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    active: bool = True
    set_qty: int | None = None  # a multi-buy's set size: 2 untuk Rp 10.000 is 2; Beli 2 Gratis 1 is 3
    mixed: bool = False  # a multi-buy whose products may be mixed in a set (common/mixed_sets.py)

    def applies(self, sku: str, at: datetime) -> bool:
        return (
            self.active
            and sku in self.skus
            and (self.starts_at is None or self.starts_at <= at)
            and (self.ends_at is None or at < self.ends_at)
        )

    def discount(self, qty: int, measure: str = "unit", unit_price: int = 0) -> Discount | None:
        """The line's discount for `qty`; None for a kind this code does not know (a later central's kind must
        never be read as Rupiah off) and for a multi-buy on a line not counted in units."""
        # An amount promotion is per item: "Rp 500 off" takes Rp 1.000 off two (and Rp 625 off 1,250 kg of a
        # weighed product, per kg by the same rounding as its price).
        if self.kind == "percent":
            return Discount("percent", self.value)
        if self.kind == "amount":
            return Discount("amount", line_gross(self.value, qty, measure))
        if self.kind not in MULTI_BUY or measure != "unit" or not self.set_qty or self.set_qty < 2:
            return None
        return Discount("amount", (qty // self.set_qty) * self.set_off(unit_price))

    def set_off(self, unit_price: int) -> int:
        """What one complete set of a multi-buy takes off its items' usual price (never a set dearer than them)."""
        size = self.set_qty or 0
        if self.kind == "bundle":
            return max(0, size * unit_price - self.value)
        if self.kind == "free":
            return min(self.value, size) * unit_price
        return 0


def best_promotion(
    promos: list[Promo], sku: str, unit_price: int, qty: int, at: datetime, measure: str = "unit"
) -> tuple[Promo, Discount] | None:
    """The promotion that takes the most off this line now; promotions do not stack."""
    gross = line_gross(unit_price, qty, measure)
    best: tuple[int, Promo, Discount] | None = None
    for p in promos:
        if not p.applies(sku, at) or p.value <= 0:
            continue
        d = p.discount(qty, measure, unit_price)
        if d is None:
            continue
        off = d.amount_on(gross)
        if off > 0 and (best is None or off > best[0]):
            best = (off, p, d)
    return (best[1], best[2]) if best else None


def offer(promos: list[Promo], sku: str, unit_price: int, at: datetime) -> dict[str, object]:
    """What a shelf label, the kiosk and the online shop show for one item now: the promotion's price and name
    (None, None without one), and a multi-buy's deal in words as shelves say it ("Beli 2 Gratis 1", and `deal_en`
    "Buy 2 get 1 free"; None without one: a multi-buy has no single price to show). The till
    prices the scanned line with the same `best_promotion`."""
    deal = _best_deal(promos, sku, unit_price, at)
    shown = {
        "deal": deal_words(deal.kind, deal.set_qty, deal.value, "id", deal.mixed) if deal else None,
        "deal_en": deal_words(deal.kind, deal.set_qty, deal.value, "en", deal.mixed) if deal else None,
    }
    best = best_promotion(promos, sku, unit_price, 1, at)
    if best is None:
        return {"promo_price": None, "promo": None, **shown}
    return {"promo_price": unit_price - best[1].amount_on(unit_price), "promo": best[0].name, **shown}


def _best_deal(promos: list[Promo], sku: str, unit_price: int, at: datetime) -> Promo | None:
    """The multi-buy that saves the most per item bought in its sets (an item counted in units)."""
    best: tuple[Fraction, Promo] | None = None  # Rupiah off per item, exact (money is never a float)
    for p in promos:
        if p.kind in MULTI_BUY and p.set_qty and p.applies(sku, at) and p.discount(p.set_qty, "unit", unit_price):
            per_item = Fraction(p.set_off(unit_price), p.set_qty)
            if per_item > 0 and (best is None or per_item > best[0]):
                best = (per_item, p)
    return best[1] if best else None


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


def parse_multi_buy(kind: str, n_text: str, value_text: str) -> tuple[int, int]:
    """A multi-buy as a person types it, as (set_qty, value): Beli N gratis M is N and M ((N+M, M)); N untuk Rp X is N
    and the Rupiah X ((N, X))."""
    n_raw = n_text.strip()
    if not n_raw.isdigit():
        raise DomainError("bad_set_qty", "type N, a number of items")
    n = int(n_raw)
    raw = value_text.strip().replace(" ", "")
    if kind == "free":
        if not raw.isdigit():
            raise DomainError("bad_free_qty", "type M, the number of items free")
        m = int(raw)
        if n < 1:
            raise DomainError("bad_set_qty", "buy at least 1 item to get some free")
        check_multi_buy(kind, n + m, m)
        return n + m, m
    digits = raw.removeprefix("Rp").replace(".", "")
    if not digits.isdigit():
        raise DomainError("bad_bundle_price", "type the set's price in Rupiah", max=MAX_AMOUNT)
    check_multi_buy(kind, n, int(digits))
    return n, int(digits)


def shown_value(kind: str, value: int, set_qty: int | None = None, lang: str = "id", mixed: bool = False) -> str:
    """A promotion's value as people read it: 15% or 12,5% (not basis points), Rp 500, or a multi-buy's deal."""
    if kind in MULTI_BUY:
        return deal_words(kind, set_qty, value, lang, mixed) or ""
    if kind == "percent":
        whole, rest = divmod(value, 100)
        return f"{whole}%" if not rest else f"{whole},{rest:02d}".rstrip("0") + "%"
    return format_money(value)
