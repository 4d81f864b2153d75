"""The cash side of a shift: what the drawer should hold and how far the count is off."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CashPosition:
    opening_float: int
    cash_sales: int
    cash_refunds: int

    @property
    def expected(self) -> int:
        return self.opening_float + self.cash_sales - self.cash_refunds

    def variance(self, counted: int) -> int:
        return counted - self.expected


def receipt_number(store_id: str, till_id: str, seq: int) -> str:
    return f"{store_id}-{till_id}-{seq:06d}"
