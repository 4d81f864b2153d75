"""Refunds against lines of an original sale, never more than sold, at the price paid."""

from __future__ import annotations

from dataclasses import dataclass

from common.errors import Conflict, DomainError
from common.pricing import TaxLine, taxes_by_group


@dataclass(frozen=True)
class SoldLine:
    line_id: str
    sku: str
    qty: int
    net: int
    tax_group: str
    tax_rate_bp: int
    refunded_qty: int = 0


@dataclass(frozen=True)
class RefundLine:
    line_id: str
    sku: str
    qty: int
    amount: int
    tax_group: str
    tax_rate_bp: int


@dataclass(frozen=True)
class RefundPlan:
    lines: list[RefundLine]
    amount: int
    taxes: list[TaxLine]


def refund_amount(line: SoldLine, qty: int) -> int:
    """What `qty` more units of `line` give back; all refunds of a line add up to its net exactly."""
    before = line.net * line.refunded_qty // line.qty
    after = line.net * (line.refunded_qty + qty) // line.qty
    return after - before


def plan_refund(sold: list[SoldLine], wanted: list[tuple[str, int]]) -> RefundPlan:
    by_id = {s.line_id: s for s in sold}
    asked: dict[str, int] = {}
    for line_id, qty in wanted:
        if line_id not in by_id:
            raise DomainError("unknown_line", f"line {line_id} is not on this sale")
        if qty <= 0:
            raise DomainError("bad_quantity", "a refund quantity must be at least 1")
        asked[line_id] = asked.get(line_id, 0) + qty
    if not asked:
        raise DomainError("nothing_to_refund", "choose at least one line to refund")
    lines = []
    for line_id, qty in asked.items():
        s = by_id[line_id]
        left = s.qty - s.refunded_qty
        if left == 0:  # another till (or an earlier refund) got there first: say so, not "0 can be refunded"
            raise Conflict("already_refunded", f"{s.sku} on this sale is already refunded in full", sku=s.sku)
        if qty > left:
            raise DomainError(
                "refund_exceeds_sold",
                f"only {left} of {s.sku} can still be refunded on this sale (asked {qty})",
                left=left,
                asked=qty,
            )
        lines.append(RefundLine(s.line_id, s.sku, qty, refund_amount(s, qty), s.tax_group, s.tax_rate_bp))
    return RefundPlan(
        lines=lines,
        amount=sum(l.amount for l in lines),
        taxes=taxes_by_group([(l.tax_group, l.tax_rate_bp, l.amount) for l in lines]),
    )


def original_tender(paid: list[tuple[str, int]], direct: tuple[str, ...]) -> str:
    """Where a refund goes back by default: the sale's own tender, the direct one that paid most (the first of
    equals); cash when only points paid (the points go back as points anyway)."""
    best: tuple[str, int] | None = None
    for kind, amount in paid:
        if kind in direct and (best is None or amount > best[1]):
            best = (kind, amount)
    return best[0] if best else "cash"
