"""Changing a sale at the till: quantities, discounts, park/resume, void, a payment the gateway confirmed and
removing a payment. Each call is one transaction (run by sale_change.py). Starting a sale, scanning and taking a
payment (the till's hot path) are in till_sale.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from common.errors import Conflict, DomainError, NotFound
from common.measure import items_of, line_gross
from common.money import format_money, parse_percent
from common.pricing import Discount, discount_kind, needs_approval
from common.tables import new_id
from pos.adapters.tables import Sale, TenderRow
from pos.domain.tenders import Tender, check_new_tender

from . import auth, loyalty
from .auth import Actor
from .context import StoreContext
from .discount_rules import over_limit, promote, promote_sale, store_promos
from .records import audit
from .sale_change import Loaded, line_row, no_tenders, run_change
from .sale_views import lines_of, load_sale, price, tenders_of
from .shifts import require_shift
from .till_sale import check_qty

MAX_LISTED = 100  # the longest list the API answers in one go (issue 15)
_OPEN_SALE = select(Sale).where(Sale.till_id == bindparam("till_id"), Sale.state == "open")


def set_quantity(ctx: StoreContext, actor: Actor, sale_id: str, line_id: str, qty: int) -> dict[str, Any]:
    check_qty(qty)

    def change(s: Session, sale: Sale) -> Loaded:
        tenders = tenders_of(s, sale.id)
        no_tenders(s, sale, tenders)
        lines = lines_of(s, sale.id)
        line = line_row(s, sale, line_id, lines)
        if line.measure != "unit":
            raise DomainError(
                "measured_line_qty", f"{line.name} is weighed or priced by its label: void the line and ring it again"
            )
        line.qty = qty
        promos, now = store_promos(s), ctx.clock()
        promote(line, promos, now)
        promote_sale(lines, promos, now)  # a mixed multi-buy's sets counted again over the sale's lines
        return Loaded(lines, tenders)

    return run_change(ctx, actor, sale_id, change)


def remove_line(ctx: StoreContext, actor: Actor, sale_id: str, line_id: str) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> Loaded:
        tenders = tenders_of(s, sale.id)
        no_tenders(s, sale, tenders)
        lines = lines_of(s, sale.id)
        line = line_row(s, sale, line_id, lines)
        audit(
            s,
            ctx,
            "line_void",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            ref_id=sale.id,
            detail={"sku": line.sku, "qty": line.qty, "unit_price": line.unit_price},
        )
        s.delete(line)
        left = [l for l in lines if l is not line]
        promote_sale(left, store_promos(s), ctx.clock())  # the others of a mixed multi-buy's sets priced again
        return Loaded(left, tenders)

    return run_change(ctx, actor, sale_id, change)


def apply_discount(
    ctx: StoreContext,
    actor: Actor,
    sale_id: str,
    kind: str,
    value: Decimal | int,
    line_id: str | None = None,
    approval: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A line or whole-sale discount (amount in Rupiah or percent); above the limit a manager approves."""
    if kind not in ("amount", "percent"):
        raise DomainError("bad_discount", "discount kind is 'amount' or 'percent'")
    try:
        raw = parse_percent(value) if kind == "percent" else int(Decimal(str(value)))
    except (ValueError, ArithmeticError) as e:
        raise DomainError("bad_discount", str(e) if kind == "percent" else "an amount discount is whole Rupiah") from e
    if kind == "amount" and Decimal(str(value)) != raw:
        raise DomainError("bad_discount", "an amount discount is whole Rupiah")
    discount = Discount(discount_kind(kind), raw)
    limit_bp = ctx.config.security.discount_limit_percent * 100
    with ctx.db.sessions() as s:
        sale = load_sale(s, sale_id)
        lines = lines_of(s, sale.id)
    # Priced as it would be, on the detached rows: one discount over the limit, or all of them together, needs a
    # manager (unless one already approved this sale's discounts).
    target: Any = sale if line_id is None else next((l for l in lines if l.id == line_id), None)
    if target is None:
        raise NotFound("unknown_line", f"line {line_id} is not on this sale")
    if line_id:
        base = line_gross(target.unit_price, target.qty, target.measure)
    else:
        before = price(sale, lines)
        base = before.total + before.sale_discount
    if kind == "amount" and raw > base:  # as a percent over 100% is: said before anyone is asked to approve it
        what = "the line" if line_id else "the sale"
        raise DomainError(
            "discount_over_total",
            f"a discount of {format_money(raw, ctx.currency)} is more than {what} ({format_money(base, ctx.currency)})",
            max=base,
        )
    target.discount_kind, target.discount_value = (kind, raw) if raw else (None, None)
    if line_id:
        target.promotion_id = None
    approver = None
    if raw and (needs_approval(discount, base, limit_bp) or over_limit(ctx, sale, lines, price(sale, lines))):
        approver = auth.manager_approval(ctx, actor, approval, f"a discount over {limit_bp // 100}%")

    def change(s: Session, sale: Sale) -> None:
        no_tenders(s, sale)
        target: Any = line_row(s, sale, line_id) if line_id else sale
        target.discount_kind, target.discount_value = (kind, raw) if raw else (None, None)
        if line_id:
            target.promotion_id = None  # the cashier's discount replaces the promotion on this line
            promote_sale(lines_of(s, sale.id), store_promos(s), ctx.clock())  # and takes it out of a mixed set
        if approver:
            sale.discount_approved_by = approver
        audit(
            s,
            ctx,
            "discount",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=sale.id,
            detail={"kind": kind, "value": raw, "line_id": line_id, "base": base, "approved": approver is not None},
        )

    return run_change(ctx, actor, sale_id, change)


def park(ctx: StoreContext, actor: Actor, sale_id: str) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> None:
        if not lines_of(s, sale.id):
            raise DomainError("empty_sale", "there is nothing to park")
        no_tenders(s, sale)
        sale.state = "parked"

    return run_change(ctx, actor, sale_id, change)


def parked_sales(ctx: StoreContext) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        sales = s.scalars(select(Sale).where(Sale.state == "parked").order_by(Sale.created_at).limit(MAX_LISTED))
        return [
            {
                "id": x.id,
                "till_id": x.till_id,
                "total": x.total,
                "created_at": x.created_at.isoformat(),
                "items": sum(items_of(l.measure, l.qty) for l in lines_of(s, x.id)),  # as the till counts them
            }
            for x in sales
        ]


def resume(ctx: StoreContext, actor: Actor, sale_id: str) -> dict[str, Any]:
    """Bring a parked sale back onto this till; an empty open sale there gives way to it."""

    def change(s: Session, sale: Sale) -> None:
        shift = require_shift(s, actor.till_id)
        current = s.scalar(_OPEN_SALE, {"till_id": actor.till_id})
        if current is not None:
            if lines_of(s, current.id):
                raise Conflict("sale_open", "finish or park the current sale before resuming another")
            current.state = "voided"
            s.flush()
        sale.state, sale.till_id, sale.shift_id = "open", actor.till_id, shift.id

    view = run_change(ctx, actor, sale_id, change, states=("parked",))
    # The customer display shows the member of the sale brought back, as when they were attached (F3).
    member = loyalty.sale_member(ctx, view["id"])["member"]
    if member is not None:
        loyalty.tell_display(ctx, actor.till_id, view["id"], member)
    return view


def void(
    ctx: StoreContext, actor: Actor, sale_id: str, approval: dict[str, str] | None, reason: str | None = None
) -> dict[str, Any]:
    approver = auth.manager_approval(ctx, actor, approval, "voiding a sale")

    def change(s: Session, sale: Sale) -> None:
        lines = lines_of(s, sale.id)  # an open sale's total is not stored yet: the audit names what it came to
        total = price(sale, lines).total
        s.execute(delete(TenderRow).where(TenderRow.sale_id == sale.id))
        sale.state = "voided"
        ctx.after_sale.sale_voided(s, sale.id, sale.till_id)  # points holds go back
        audit(
            s,
            ctx,
            "sale_void",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=sale.id,
            detail={
                "amount": format_money(total, ctx.currency),
                "items": ", ".join(f"{l.name} x {l.qty}" for l in lines),
                "reason": reason,
            },
        )

    # Durable: an approved, audited act whose points holds go back through the outbox.
    return run_change(ctx, actor, sale_id, change, states=("open", "parked"), durable=True)


def add_confirmed_tender(
    ctx: StoreContext,
    actor: Actor,
    sale_id: str,
    type_: str,
    amount: int,
    reference: str | None,
    confirmed: Callable[[Session, str], None],
) -> dict[str, Any]:
    """Take a gateway payment (dynamic QRIS) the gateway confirmed: `confirmed` runs in the same transaction with
    the tender's id (the charge that paid it records which tender it became). Other tenders: `till_sale.add_tender`."""

    def change(s: Session, sale: Sale) -> Loaded:
        lines = lines_of(s, sale.id)
        if not lines:
            raise DomainError("empty_sale", "scan an item before taking payment")
        tenders = tenders_of(s, sale.id)
        existing = [Tender(t.type, t.amount, t.reference) for t in tenders]
        check_new_tender(
            price(sale, lines).total,
            existing,
            Tender(type_, amount, reference),
            ctx.config.currency.cash_rounding,
            confirmed=True,
        )
        tender = TenderRow(
            id=new_id(),
            sale_id=sale.id,
            type=type_,
            amount=amount,
            reference=(reference or None),
            created_at=ctx.clock(),
        )
        confirmed(s, tender.id)
        return Loaded(lines, tenders, new_tenders=[tender])

    return run_change(ctx, actor, sale_id, change)


def remove_tender(ctx: StoreContext, actor: Actor, sale_id: str, tender_id: str) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> Loaded:
        tenders = tenders_of(s, sale.id)
        tender = next((t for t in tenders if t.id == tender_id), None)
        if tender is None:
            raise NotFound("unknown_tender", f"payment {tender_id} is not on this sale")
        s.delete(tender)
        return Loaded(lines_of(s, sale.id), [t for t in tenders if t is not tender])

    return run_change(ctx, actor, sale_id, change)
