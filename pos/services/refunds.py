"""Refunds against a completed sale: manager approved, stock back, outbox event, same receipt sequence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import Conflict, DomainError, NotFound
from common.measure import format_qty, qty_texts
from common.money import format_money
from common.tables import new_id, new_seq_id
from common.tenders import DIRECT_TENDERS, GATEWAY_TENDERS, TENDERS
from pos.adapters.tables import Refund, RefundLine, Sale, SaleLine, StockMovement
from pos.domain.refunds import RefundPlan, SoldLine, original_tender, plan_refund
from pos.domain.tenders import cash_rounding

from . import auth, qris_refunds
from .auth import Actor
from .checkout import next_receipt_number
from .context import StoreContext
from .loyalty_facts import refund_points_back
from .records import audit, emit_event
from .sale_views import tenders_of
from .shifts import require_shift


@dataclass(frozen=True)
class Quote:
    """What a refund of some lines gives back, before anyone approves it."""

    plan: RefundPlan
    tender_type: str
    points: int  # points given back (a sale paid partly with points)
    points_value: int
    owed: int  # money before cash rounding
    rounding: int


def _quote(
    s: Session, ctx: StoreContext, sale_number: str, lines: list[tuple[str, int]], tender_type: str | None
) -> tuple[Sale, dict[str, SaleLine], Quote]:
    sale = s.scalar(select(Sale).where(Sale.number == sale_number))
    if sale is None:
        raise NotFound("unknown_sale", f"sale {sale_number} not found", number=sale_number)
    if sale.state != "completed":
        raise Conflict("not_completed", f"sale {sale_number} is {sale.state}; only completed sales can be refunded")
    if tender_type is None:
        tender_type = original_tender([(t.type, t.amount) for t in tenders_of(s, sale.id)], DIRECT_TENDERS)
    if tender_type not in DIRECT_TENDERS:  # points given back follow the sale's own
        raise DomainError("bad_tender", f"unknown tender type {tender_type!r}")
    sold = {l.id: l for l in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id))}
    plan = plan_refund(
        [SoldLine(l.id, l.sku, l.qty, l.net, l.tax_group, l.tax_rate_bp, l.refunded_qty) for l in sold.values()],
        lines,
    )
    # A member sale paid partly with points gives that share back as points, not as money (issue 5).
    points_back, points_value = refund_points_back(s, ctx, sale.id, plan.amount)
    owed = plan.amount - points_value
    # Cash goes back in what the drawer holds, rounded as cash sales are; other tenders to the rupiah.
    rounding = cash_rounding(owed, 0, ctx.config.currency.cash_rounding) if tender_type == "cash" else 0
    return sale, sold, Quote(plan, tender_type, points_back, points_value, owed, rounding)


def quote(
    ctx: StoreContext, actor: Actor, sale_number: str, lines: list[tuple[str, int]], tender_type: str | None = None
) -> dict[str, Any]:
    """What the refund would give back and where, so the manager approves a named amount; writes nothing."""
    with ctx.db.sessions() as s:
        sale, sold, q = _quote(s, ctx, sale_number, lines, tender_type)
    return {
        "sale_number": sale.number,
        "amount": q.owed + q.rounding,
        "rounding": q.rounding,
        "tender_type": q.tender_type,
        "points_back": {"points": q.points, "value": q.points_value} if q.points else None,
        "lines": [
            {
                "line_id": l.line_id,
                "name": sold[l.line_id].name,
                "qty": l.qty,
                "qty_text": qty_texts(l.qty, sold[l.line_id].measure, ctx.currency.decimal),
                "amount": l.amount,
            }
            for l in q.plan.lines
        ],
        "till_id": actor.till_id,
    }


def refund(
    ctx: StoreContext,
    actor: Actor,
    sale_number: str,
    lines: list[tuple[str, int]],
    approval: dict[str, str] | None,
    tender_type: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Give back `lines` (line id, quantity) of a completed sale in `tender_type` (None: the sale's own tender
    that paid the most; dynamic QRIS goes back through central to the gateway it came from, before anything is
    recorded here: no network call inside the transaction)."""
    approver = auth.manager_approval(ctx, actor, approval, "a refund")
    sent = None
    with ctx.db.sessions() as s:
        sale, _, q = _quote(s, ctx, sale_number, lines, tender_type)
    if q.tender_type in GATEWAY_TENDERS:
        sent = qris_refunds.send(ctx, sale.id, sale_number, q.owed, reason)
    with ctx.db.unit_of_work() as s:
        sale, sold, q = _quote(s, ctx, sale_number, lines, q.tender_type)
        plan, points_back, points_value, owed, rounding = q.plan, q.points, q.points_value, q.owed, q.rounding
        tender_type = q.tender_type
        if sent is not None and sent.amount != owed:  # the sale changed meanwhile (another till refunded it)
            raise Conflict(
                "refund_changed",
                f"{sent.amount} went back by QRIS (gateway reference {sent.reference}) but the lines now come to "
                f"{owed}: record it with the manager",
            )
        shift = require_shift(s, actor.till_id)
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
                "sale_id": sale.id,
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
                    "id": new_seq_id(),
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
            "amount": owed + rounding,
            "rounding": rounding,
            "reason": reason,
            "reference": row.reference,
            "points_back": {"points": points_back, "value": points_value} if points_back else None,
            "lines": [
                {
                    **lr,
                    "name": sold[lr["sale_line_id"]].name,
                    "unit_price": sold[lr["sale_line_id"]].unit_price,
                    "measure": sold[lr["sale_line_id"]].measure,  # weight: qty in grams, unit price per kg
                }
                for lr in line_rows
            ],
            "taxes": [
                {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
                for t in plan.taxes
            ],
        }
        event = {k: v for k, v in view.items() if k != "reference"}  # the gateway's reference stays at central
        event |= {"store_id": ctx.store_id, "shift_id": shift.id}  # refund.completed v2: its shift too
        emit_event(s, ctx, EventType.REFUND_COMPLETED, event, actor.till_id)
        audit(
            s,
            ctx,
            "refund",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=row.id,
            detail={
                "receipt": sale.number,
                "refund": row.number,
                "amount": format_money(owed + rounding, ctx.currency),
                "tender": TENDERS[tender_type].label_id,
                "points_back": points_back or None,
                # "Apel Fuji x 0,500 kg": a weighed line's grams as the receipt says them
                "items": ", ".join(
                    f"{sold[l.line_id].name} x {format_qty(l.qty, sold[l.line_id].measure, ctx.currency.decimal)}"
                    for l in plan.lines
                ),
                "reason": reason,
            },
        )
        ctx.after_sale.refund_completed(s, view)
    ctx.notify("refund_completed", view)
    return view
