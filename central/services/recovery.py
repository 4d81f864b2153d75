"""What the central store holds of one store, for a store restoring its database from a backup.

A store's disk died; it restores its last backup, taken at store_seq X. The central store holds every event up
to its high-water mark Y (events arrive in store_seq order). The store must continue after both: its next event
is max(X, Y) + 1 (a lower one would be refused as `seq_taken`), and each till's next receipt number is above
every number central has seen from it. Events X+1..Y stay at central; the store re-learns their stock movements
(the lines of those sales and refunds) so its on-hand figures match, the cash moves among them (pay-outs, drops,
pay-ins) so its shifts' expected cash does, the sales themselves (as their `sale.completed` said them) so the
till finds, reprints and refunds them, and the refunds (as their `refund.completed` said them, less what central
does not keep) so nothing is refunded twice; each with the points entries central booked for it (recovery_sales);
and the shifts those events closed, with their Z (recovery_shifts), so no shift the cashier closed shows open.
Read-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import (
    AppliedEvent,
    CashMoveRecord,
    CentralMeta,
    Refund,
    RefundLine,
    Sale,
    SaleLine,
    Store,
)

from .context import CentralContext
from .recovery_sales import refunds_completed_after, sales_completed_after
from .recovery_shifts import shifts_closed_after

MAX_LISTED = 200  # receipt numbers listed in the answer; the counts and stock cover all
MAX_CASH_MOVES = 1000  # cash moves in the answer (a few a shift; the store records at most these)


def recovery(ctx: CentralContext, store_id: str, after_seq: int) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        epoch = s.scalar(select(CentralMeta.epoch).where(CentralMeta.id == 1))
        last = int(s.scalar(select(Store.last_seq).where(Store.id == store_id)) or 0)
        held = select(AppliedEvent.event_id).where(
            AppliedEvent.store_id == store_id, AppliedEvent.store_seq > after_seq, AppliedEvent.outcome == "applied"
        )
        by_type = dict(
            s.execute(
                select(AppliedEvent.type, func.count())
                .where(AppliedEvent.store_id == store_id, AppliedEvent.store_seq > after_seq)
                .group_by(AppliedEvent.type)
            ).all()
        )
        sales = s.execute(
            select(Sale.number, Sale.total)
            .where(Sale.store_id == store_id, Sale.event_id.in_(held))
            .order_by(Sale.number)
        ).all()
        refunds = int(s.scalar(select(func.count()).where(Refund.store_id == store_id, Refund.event_id.in_(held))) or 0)
        stock = _stock_after(s, store_id, held)
        return {
            "store_id": store_id,
            "epoch": str(epoch),
            "store_seq": last,
            "after_seq": after_seq,
            "events_after": {str(k): int(v) for k, v in by_type.items()},
            "sales_after": len(sales),
            "sales_total_after": int(sum(int(t) for _, t in sales)),
            "refunds_after": refunds,
            "receipt_numbers_after": [str(n) for n, _ in sales[:MAX_LISTED]],
            "receipt_seq": _receipt_seq(s, store_id),
            "stock_after": stock,
            "cash_moves_after": _cash_moves_after(s, store_id, held),
            **sales_completed_after(s, store_id, after_seq),
            **refunds_completed_after(s, store_id, after_seq, held),
            **shifts_closed_after(s, store_id, after_seq, held),
        }


def _receipt_seq(s: Session, store_id: str) -> dict[str, int]:
    """Per till, the highest receipt sequence central has seen (sales and refunds share a till's numbers)."""
    out: dict[str, int] = {}
    for model in (Sale, Refund):
        tills = s.scalars(select(model.till_id).where(model.store_id == store_id).distinct())
        for till in tills:
            # Numbers are STORE-TILL-000123: the longest, then the greatest, is the highest even past 999999.
            top = s.scalar(
                select(model.number)
                .where(model.store_id == store_id, model.till_id == till)
                .order_by(func.length(model.number).desc(), model.number.desc())
                .limit(1)
            )
            tail = str(top or "").rsplit("-", 1)[-1]
            if tail.isdigit():
                out[till] = max(out.get(till, 0), int(tail))
    return out


def _stock_after(s: Session, store_id: str, held: Any) -> dict[str, int]:
    """Net quantity per SKU the events after the backup moved at the store: sales out, refunds back in."""
    moved: dict[str, int] = {}
    sold = s.execute(
        select(SaleLine.sku, func.sum(SaleLine.qty))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.store_id == store_id, Sale.event_id.in_(held))
        .group_by(SaleLine.sku)
    ).all()
    for sku, qty in sold:
        moved[sku] = moved.get(sku, 0) - int(qty or 0)
    back = s.execute(
        select(RefundLine.sku, func.sum(RefundLine.qty))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.store_id == store_id, Refund.event_id.in_(held))
        .group_by(RefundLine.sku)
    ).all()
    for sku, qty in back:
        moved[sku] = moved.get(sku, 0) + int(qty or 0)
    return {k: v for k, v in moved.items() if v}


def _cash_moves_after(s: Session, store_id: str, held: Any) -> list[dict[str, Any]]:
    """The cash moves the events after the backup brought, oldest first, as the till's `cash.moved` said them (with
    the store they are of): the store records them again under the same ids."""
    rows = s.scalars(
        select(CashMoveRecord)
        .where(CashMoveRecord.store_id == store_id, CashMoveRecord.event_id.in_(held))
        .order_by(CashMoveRecord.moved_at, CashMoveRecord.id)
        .limit(MAX_CASH_MOVES)
    )
    return [
        {
            "move_id": m.id,
            "store_id": m.store_id,
            "till_id": m.till_id,
            "shift_id": m.shift_id,
            "direction": m.direction,
            "reason": m.reason,
            "amount": int(m.amount),
            "note": m.note or "",
            "staff_id": m.staff_id,
            "approved_by": m.approved_by,
            "moved_at": m.moved_at.isoformat(),
            "staff_name": m.staff_name or "",
            "approver_name": m.approver_name or "",
        }
        for m in rows
    ]
