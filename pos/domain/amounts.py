"""One maximum per line, sale and tender (common.limits.MAX_AMOUNT): what the till takes, central takes too."""

from __future__ import annotations

from common.errors import DomainError
from common.limits import MAX_AMOUNT
from common.money import group_thousands, round_to_unit
from common.pricing import PricedSale


def too_large(what: str) -> DomainError:
    return DomainError(
        "amount_too_large", f"{what} cannot be more than Rp {group_thousands(MAX_AMOUNT)}", max=MAX_AMOUNT
    )


def check_sale_amounts(priced: PricedSale, cash_unit: int) -> None:
    """Refuse a line or a sale past the maximum, before it is saved (central would dead-letter it)."""
    for line in priced.lines:
        if line.gross > MAX_AMOUNT:
            raise too_large(f"a line ({line.qty} x Rp {group_thousands(line.unit_price)} {line.name})")
    # The subtotal, not the total: central checks each figure of the sale, the subtotal among them.
    if priced.subtotal > MAX_AMOUNT:
        raise too_large(f"a sale (Rp {group_thousands(priced.subtotal)})")
    # Cash rounding up could take what is due, and so the cash paid, past the maximum.
    due = round_to_unit(priced.total, cash_unit)
    if due > MAX_AMOUNT:
        raise too_large(f"a sale rounded for cash (Rp {group_thousands(due)})")


def check_paid(paid: int) -> None:
    """The payments on one sale together, change included, stay within the maximum."""
    if paid > MAX_AMOUNT:
        raise too_large(f"the payments on one sale (Rp {group_thousands(paid)})")
