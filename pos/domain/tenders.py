"""Tenders and settling a sale: cash with change, card, QRIS, e-wallet, split, cash rounding."""

from __future__ import annotations

from typing import NamedTuple

from common.errors import Conflict, DomainError
from common.money import round_to_unit
from common.tenders import GATEWAY_TENDERS, NEEDS_REFERENCE, TENDER_TYPES

from .amounts import check_paid


class Tender(NamedTuple):  # a value, made for every tender each time a sale is shown (common/pricing.py's note)
    type: str
    amount: int
    reference: str | None = None


class Settlement(NamedTuple):
    total: int
    rounding: int
    due: int
    paid: int
    change: int

    @property
    def remaining(self) -> int:
        return max(0, self.due - self.paid)

    @property
    def is_paid(self) -> bool:
        return self.paid >= self.due


def cash_rounding(total: int, non_cash: int, unit: int) -> int:
    """The rounding line when the rest is paid in cash (Rp 100 units, say); 0 if off."""
    cash_due = total - non_cash
    return round_to_unit(cash_due, unit) - cash_due


def settle(total: int, tenders: list[Tender], rounding_unit: int = 0) -> Settlement:
    non_cash = sum(t.amount for t in tenders if t.type != "cash")
    has_cash = any(t.type == "cash" for t in tenders)
    rounding = cash_rounding(total, non_cash, rounding_unit) if has_cash else 0
    due = total + rounding
    paid = sum(t.amount for t in tenders)
    return Settlement(total=total, rounding=rounding, due=due, paid=paid, change=max(0, paid - due))


def check_new_tender(
    total: int,
    existing: list[Tender],
    new: Tender,
    rounding_unit: int = 0,
    confirmed: bool = False,
    largest_note: int = 0,
) -> None:
    """Refuse a tender that cannot be right; only cash can be more than is due (change), and by less than the
    `largest_note` (0: any change): a shopper hands over at most one note too many, so more is a slip of the
    keys or a barcode scanned into the amount. A gateway tender is taken only once its charge is `confirmed`,
    never typed in."""
    if new.type not in TENDER_TYPES:
        raise DomainError("bad_tender", f"unknown tender type {new.type!r}; use one of {', '.join(TENDER_TYPES)}")
    if new.type in GATEWAY_TENDERS and not confirmed:
        raise DomainError(
            "tender_needs_charge", f"a {new.type} payment is taken through its QRIS charge once the shopper has paid"
        )
    if new.amount <= 0:
        raise DomainError("bad_amount", "a tender amount must be more than 0")
    if new.type in NEEDS_REFERENCE and not (new.reference or "").strip():
        raise DomainError("reference_required", f"a {new.type} payment needs its reference")
    check_paid(sum(t.amount for t in existing) + new.amount)
    if new.type != "cash":
        non_cash = sum(t.amount for t in existing if t.type != "cash")
        left = total - non_cash - sum(t.amount for t in existing if t.type == "cash")
        if new.amount > max(0, left):
            raise DomainError(
                "tender_exceeds_due",
                f"a {new.type} payment cannot be more than the {max(0, left)} still due; only cash gives change",
            )
    if existing and settle(total, existing, rounding_unit).is_paid:
        # A retried or double-clicked payment on a paid sale would otherwise be booked as a second one.
        raise Conflict(
            "nothing_due", "this sale is already paid: nothing is left to pay; complete it or remove a payment first"
        )
    if new.type == "cash" and largest_note:
        after = settle(total, [*existing, new], rounding_unit)
        if after.change >= largest_note:
            raise DomainError(
                "change_too_large",
                f"{new.amount} in cash would give {after.change} change, more than the largest note "
                f"({largest_note}): check the amount received",
                amount=new.amount,
                change=after.change,
                largest=largest_note,
            )
