"""Refunds against a completed sale: manager approved, stock back, outbox event, same receipt sequence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import Conflict, DomainError, NotFound
from common.tables import new_id
from common.tenders import DIRECT_TENDERS, GATEWAY_TENDERS
from pos.adapters.tables import Refund, RefundLine, Sale, SaleLine, StockMovement
from pos.domain.refunds import RefundPlan, SoldLine, plan_refund
from pos.domain.tenders import cash_rounding

from . import auth, qris_refunds
from .auth import Actor
from .checkout import next_receipt_number
from .context import StoreContext
from .loyalty_facts import refund_points_back
from .records import audit, emit_event
from .shifts import require_shift


def refund(
    ctx: StoreContext,
    actor: Actor,
    sale_number: str,
    lines: list[tuple[str, int]],
    approval: dict[str, str] | None,
    tender_type: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Lines of a completed sale back, paid in `tender_type`; None: the sale's own (dynamic QRIS goes back to the
    gateway it came from), else cash."""
    tender_type = tender_type or qris_refunds.original_tender(ctx, sale_number)
    if tender_type not in DIRECT_TENDERS:  # points given back follow the sale's own
        raise DomainError("bad_tender", f"unknown tender type {tender_type!r}")
    approver = auth.manager_approval(ctx, actor, approval, "a refund")
    sent = None
    if tender_type in GATEWAY_TENDERS:  # back to the shopper through the gateway first, then recorded here
        with ctx.db.sessions() as s:
            sale, _, plan, (_, points_value) = planned(s, ctx, sale_number, lines)
            sale_id, owed = sale.id, plan.amount - points_value
        sent = qris_refunds.send(ctx, sale_id, sale_number, owed, reason)
    with ctx.db.unit_of_work() as s:
        sale, sold, plan, (points_back, points_value) = planned(s, ctx, sale_number, lines)
        owed = plan.amount - points_value
        if sent is not None and sent.amount != owed:  # the sale changed meanwhile (another till refunded it)
            raise Conflict(
                "refund_changed",
                f"{sent.amount} went back by QRIS (gateway reference {sent.reference}) but the lines now come to "
                f"{owed}: record it with the manager",
            )
        shift = require_shift(s, actor.till_id)
        # Cash goes back in what the drawer holds, rounded as cash sales are; other tenders to the rupiah.
        rounding = cash_rounding(owed, 0, ctx.config.currency.cash_rounding) if tender_type == "cash" else 0
        now = ctx.clock()
        row = Refund(
            id=sent.refund_id if sent else new_id(),
            reference=sent.reference if sent else None,
            number=next_receipt_number(s, ctx, actor.till_id),
            sale_id=sale.id,
            till_id=actor.till_id,
            shift_id=shift.id,
            staff_id=actor.staff_id,
            approved_by=approver,
            tender_type=tender_type,
            amount=owed + rounding,
            rounding=rounding,
            tax_total=sum(t.tax for t in plan.taxes),
            reason=reason,
            created_at=now,
        )
        s.add(row)
        s.flush()
        line_rows: list[dict[str, Any]] = [
            {
                "id": new_id(),
                "refund_id": row.id,
                "sale_line_id": l.line_id,
                "sku": l.sku,
                "qty": l.qty,
                "amount": l.amount,
            }
            for l in plan.lines
        ]
        s.execute(insert(RefundLine), line_rows)
        for l in plan.lines:
            sold[l.line_id].refunded_qty += l.qty
        s.execute(
            insert(StockMovement),
            [
                {
                    "id": new_id(),
                    "sku": l.sku,
                    "qty": l.qty,
                    "kind": "return",
                    "ref_id": row.id,
                    "staff_id": actor.staff_id,
                    "created_at": now,
                }
                for l in plan.lines
            ],
        )
        view = {
            "id": row.id,
            "number": row.number,
            "sale_id": sale.id,
            "sale_number": sale.number,
            "till_id": actor.till_id,
            "staff_id": actor.staff_id,
            "approved_by": approver,
            "created_at": now.isoformat(),
            "tender_type": tender_type,
            "reference": row.reference,
            "amount": owed + rounding,
            "rounding": rounding,
            "reason": reason,
            "points_back": {"points": points_back, "value": points_value} if points_back else None,
            "lines": [
                {**lr, "name": sold[lr["sale_line_id"]].name, "unit_price": sold[lr["sale_line_id"]].unit_price}
                for lr in line_rows
            ],
            "taxes": [
                {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
                for t in plan.taxes
            ],
        }
        event = {k: v for k, v in view.items() if k != "reference"}  # the gateway's reference stays at central
        emit_event(s, ctx, EventType.REFUND_COMPLETED, {**event, "store_id": ctx.store_id}, actor.till_id)
        audit(
            s,
            ctx,
            "refund",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=row.id,
            detail={"sale": sale.number, "amount": plan.amount, "reason": reason},
        )
        ctx.after_sale.refund_completed(s, view)
    ctx.notify("refund_completed", view)
    return view


def planned(
    s: Session, ctx: StoreContext, sale_number: str, lines: list[tuple[str, int]]
) -> tuple[Sale, dict[str, SaleLine], RefundPlan, tuple[int, int]]:
    """The sale, its lines, the refund of `lines`, and the (points, value) of it that goes back as points."""
    sale = s.scalar(select(Sale).where(Sale.number == sale_number))
    if sale is None:
        raise NotFound("unknown_sale", f"sale {sale_number} not found")
    if sale.state != "completed":
        raise Conflict("not_completed", f"sale {sale_number} is {sale.state}; only completed sales can be refunded")
    sold = {l.id: l for l in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id))}
    plan = plan_refund(
        [SoldLine(l.id, l.sku, l.qty, l.net, l.tax_group, l.tax_rate_bp, l.refunded_qty) for l in sold.values()],
        lines,
    )
    # A member sale paid partly with points gives that share back as points, not as money (issue 5).
    return sale, sold, plan, refund_points_back(s, ctx, sale.id, plan.amount)
