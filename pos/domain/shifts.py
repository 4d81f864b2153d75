"""The cash side of a shift: what the drawer should hold and how far the count is off."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CashPosition:
    opening_float: int
    cash_sales: int
    cash_refunds: int
    cash_out: int = 0  # drops to the safe and pay-outs for store expenses
    cash_in: int = 0  # cash put in during the shift (more change from the safe)

    @property
    def expected(self) -> int:
        return self.opening_float + self.cash_sales - self.cash_refunds - self.cash_out + self.cash_in

    def variance(self, counted: int) -> int:
        return counted - self.expected


def receipt_number(store_id: str, till_id: str, seq: int) -> str:
    return f"{store_id}-{till_id}-{seq:06d}"
