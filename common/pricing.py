"""Pricing a sale: line and whole-sale discounts, spread by largest remainder, tax per group."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, NamedTuple

from .errors import DomainError
from .measure import line_gross
from .money import allocate, div_half_up, percent_of

DiscountKind = Literal["amount", "percent"]


def discount_kind(kind: str) -> DiscountKind:
    """A kind read from a request or a stored row, as the type a Discount holds; an unknown kind is refused."""
    if kind == "amount":
        return "amount"
    if kind == "percent":
        return "percent"
    raise DomainError("bad_discount", f"unknown discount kind {kind!r}")


@dataclass(frozen=True)
class Discount:
    """An amount in minor units, or a percent in basis points (1000 = 10%)."""

    kind: DiscountKind
    value: int

    def __post_init__(self) -> None:
        if self.kind not in ("amount", "percent"):
            raise DomainError("bad_discount", f"unknown discount kind {self.kind!r}")
        if self.value < 0:
            raise DomainError("bad_discount", "a discount cannot be negative")
        if self.kind == "percent" and self.value > 10_000:
            raise DomainError("discount_over_100", "a percent discount cannot be over 100%")

    def amount_on(self, base: int) -> int:
        if self.kind == "amount":
            return min(self.value, base)
        return percent_of(base, self.value)

    def share_bp(self, base: int) -> int:
        """The discount as basis points of `base`, for the approval rule."""
        if self.kind == "percent":
            return self.value
        if base <= 0:
            return 0 if self.value == 0 else 10_000
        return int(Fraction(min(self.value, base) * 10_000, base).__ceil__())


# The values priced on every scan are NamedTuples: immutable as frozen dataclasses, and made in a third of the time
# (a frozen dataclass sets each field through object.__setattr__); a sale is priced on each of its steps.
class LineInput(NamedTuple):
    line_id: str
    sku: str
    name: str
    unit_price: int
    qty: int
    tax_group: str
    tax_rate_bp: int
    discount: Discount | None = None
    measure: str = "unit"  # common.measure: a weighed line's qty is grams and its price is per kg


class PricedLine(NamedTuple):
    line_id: str
    sku: str
    name: str
    unit_price: int
    qty: int
    gross: int
    line_discount: int
    sale_discount: int
    net: int
    tax_group: str
    tax_rate_bp: int
    measure: str = "unit"

    @property
    def discount(self) -> int:
        return self.line_discount + self.sale_discount


class TaxLine(NamedTuple):
    """One tax group on a receipt: DPP (base) + tax = gross, for tax-inclusive prices."""

    group: str
    rate_bp: int
    gross: int
    tax: int

    @property
    def base(self) -> int:
        return self.gross - self.tax


class PricedSale(NamedTuple):
    lines: list[PricedLine]
    subtotal: int
    line_discounts: int
    sale_discount: int
    total: int
    taxes: list[TaxLine]

    @property
    def discount_total(self) -> int:
        return self.line_discounts + self.sale_discount

    @property
    def tax_total(self) -> int:
        return sum(t.tax for t in self.taxes)


def taxes_by_group(items: list[tuple[str, int, int]]) -> list[TaxLine]:
    """Tax on tax-inclusive amounts [(group, rate_bp, gross)], rounded once per group."""
    groups: dict[tuple[str, int], int] = {}
    for group, rate, gross in items:
        groups[(group, rate)] = groups.get((group, rate), 0) + gross
    lines = []
    for (group, rate), gross in sorted(groups.items()):
        tax = div_half_up(gross * rate, 10_000 + rate) if rate else 0
        lines.append(TaxLine(group=group, rate_bp=rate, gross=gross, tax=tax))
    return lines


def price_sale(lines: list[LineInput], sale_discount: Discount | None = None) -> PricedSale:
    """Price the lines: line discounts first, then the sale discount spread over what is left."""
    after_line: list[tuple[LineInput, int, int]] = []
    for line in lines:
        if line.qty <= 0:
            raise DomainError("bad_quantity", "quantity must be at least 1")
        if line.unit_price < 0:
            raise DomainError("bad_price", "a price cannot be negative")
        gross = line_gross(line.unit_price, line.qty, line.measure)
        line_disc = line.discount.amount_on(gross) if line.discount else 0
        after_line.append((line, gross, line_disc))
    base = sum(g - d for _, g, d in after_line)
    sale_disc = sale_discount.amount_on(base) if sale_discount else 0
    shares = allocate(sale_disc, [g - d for _, g, d in after_line])
    priced = [
        PricedLine(
            line_id=l.line_id,
            sku=l.sku,
            name=l.name,
            unit_price=l.unit_price,
            qty=l.qty,
            gross=g,
            line_discount=d,
            sale_discount=s,
            net=g - d - s,
            tax_group=l.tax_group,
            tax_rate_bp=l.tax_rate_bp,
            measure=l.measure,
        )
        for (l, g, d), s in zip(after_line, shares, strict=True)
    ]
    return PricedSale(
        lines=priced,
        subtotal=sum(p.gross for p in priced),
        line_discounts=sum(p.line_discount for p in priced),
        sale_discount=sale_disc,
        total=sum(p.net for p in priced),
        taxes=taxes_by_group([(p.tax_group, p.tax_rate_bp, p.net) for p in priced]),
    )


def needs_approval(discount: Discount, base: int, limit_bp: int) -> bool:
    """A discount above `limit_bp` of what it applies to needs a manager."""
    return discount.share_bp(base) > limit_bp


def manual_discount_bp(priced: PricedSale, promotion_lines: set[str]) -> int:
    """The cashier's discounts (not central's promotions) as basis points of what they applied to."""
    promo = sum(p.line_discount for p in priced.lines if p.line_id in promotion_lines)
    manual = priced.discount_total - promo
    base = priced.subtotal - promo
    if manual <= 0:
        return 0
    return 10_000 if base <= 0 else -(-manual * 10_000 // base)
