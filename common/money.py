"""Money as an integer count of the currency's minor unit, and the arithmetic that keeps it exact."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Currency:
    code: str = "IDR"
    minor_units: int = 0
    symbol: str = "Rp"
    thousands: str = "."
    decimal: str = ","


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units of one currency; never a float."""

    amount: int
    currency: str = "IDR"

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError(f"Money needs an int of minor units, got {self.amount!r}")

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an int; use allocate or percent_of")
        return Money(self.amount * factor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def allocate(self, weights: list[int]) -> list[Money]:
        return [Money(a, self.currency) for a in allocate(self.amount, weights)]


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded to the nearest int, halves away from zero: exact, in
    integers (a sale is priced on every scan; no Fraction or Decimal on that path)."""
    q = (2 * abs(numerator) + denominator) // (2 * denominator)
    return q if numerator >= 0 else -q


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction to the nearest int, halves away from zero."""
    return div_half_up(value.numerator, value.denominator)


def percent_of(amount: int, basis_points: int) -> int:
    """`basis_points` (1000 = 10%) of `amount`, rounded half up once."""
    return div_half_up(amount * basis_points, 10_000)


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder; the parts sum to `total`."""
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0 or total == 0:  # nothing to split (a sale with no sale discount: every scan)
        return [0] * len(weights)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    exact = [Fraction(magnitude * w, weight_sum) for w in weights]
    parts = [int(x) for x in exact]
    left = magnitude - sum(parts)
    # Largest fractional remainders first; ties go to the earlier line so results are stable.
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [sign * p for p in parts]


def round_to_unit(amount: int, unit: int) -> int:
    """Round to the nearest multiple of `unit` (cash rounding), halves up."""
    if unit <= 1:
        return amount
    return div_half_up(amount, unit) * unit


def group_thousands(n: int, thousands: str = ".", signed: bool = False) -> str:
    """`12.500` (and `+12.500` when signed): a whole number with its thousands grouped."""
    return f"{n:{'+' if signed else ''},}".replace(",", thousands)


def format_money(amount: int, currency: Currency = Currency()) -> str:
    """`Rp 12.500` for IDR; minor units shown only when the currency has them."""
    negative = amount < 0
    whole, minor = divmod(abs(amount), 10**currency.minor_units) if currency.minor_units else (abs(amount), 0)
    grouped = group_thousands(whole, currency.thousands)
    text = grouped + (f"{currency.decimal}{minor:0{currency.minor_units}d}" if currency.minor_units else "")
    return f"{'-' if negative else ''}{currency.symbol} {text}"


def parse_percent(value: Decimal | int | float | str) -> int:
    """A percent such as 10 or 12.5 as basis points (1000, 1250); at most two decimals."""
    d = Decimal(str(value))
    bp = d * 100
    if bp != bp.to_integral_value():
        raise ValueError("a percent may have at most two decimals")
    return int(bp)
