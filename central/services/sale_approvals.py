"""Who did and who approved, for head office's sales page: the refunds of a range of days (the cashier who made each
and the manager who approved it) and its sales whose cashier discounts a manager approved (sale.completed version
5), latest first, as central keeps them (refund_staff). Central has no staff list: a person is shown by the name a
cash move of the same shift gave them (cash.moved version 2 carries the cashier's and the manager's names; looked up
by the shifts listed, over the cash moves' index on their shift), else by their staff id; None where the event did
not say (one recorded before central kept them)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import CashMoveRecord, Refund, Sale

from . import report_days
from .context import CentralContext

MAX_LISTED = 50  # the latest of each kind in the range; the page says when there are more


def approvals(ctx: CentralContext, start: date, end: date) -> dict[str, Any]:
    """The range's refunds and approved-discount sales (by the shop's clock), latest first, MAX_LISTED of each."""
    lo, hi = report_days.begins(ctx, start), report_days.begins(ctx, end + timedelta(days=1))
    with ctx.db.sessions() as s:
        refunds = s.execute(
            select(Refund, Sale.number)
            .join(Sale, Sale.id == Refund.sale_id)
            .where(Refund.created_at >= lo, Refund.created_at < hi)
            .order_by(Refund.created_at.desc(), Refund.number.desc())
            .limit(MAX_LISTED + 1)
        ).all()
        sales = list(
            s.scalars(
                select(Sale)
                .where(Sale.discount_approved_by.is_not(None), Sale.completed_at >= lo, Sale.completed_at < hi)
                .order_by(Sale.completed_at.desc(), Sale.number.desc())
                .limit(MAX_LISTED + 1)
            )
        )
        rows: list[dict[str, Any]] = [
            {
                "kind": "refund",
                "at": r.created_at,
                "store_id": r.store_id,
                "number": r.number,
                "sale_number": number,
                "amount": int(r.amount),
                "shift_id": r.shift_id,
                "by": r.staff_id,
                "approved_by": r.approved_by,
            }
            for r, number in refunds[:MAX_LISTED]
        ]
        rows += [
            {
                "kind": "discount",
                "at": sale.completed_at,
                "store_id": sale.store_id,
                "number": sale.number,
                "sale_number": sale.number,
                "amount": int(sale.discount),
                "shift_id": sale.shift_id,
                "by": sale.staff_id,
                "approved_by": sale.discount_approved_by,
            }
            for sale in sales[:MAX_LISTED]
        ]
        names = _names(s, {r["shift_id"] for r in rows if r["shift_id"]})
    for r in rows:
        r["by_name"] = names.get((r["store_id"], r["by"]))
        r["approver_name"] = names.get((r["store_id"], r["approved_by"]))
    rows.sort(key=lambda r: (r["at"] is not None, r["at"], r["number"]), reverse=True)
    return {"rows": rows, "more": len(refunds) > MAX_LISTED or len(sales) > MAX_LISTED, "max": MAX_LISTED}


def _names(s: Session, shifts: set[str]) -> dict[tuple[str, str], str]:
    """The names the cash moves of these shifts gave their cashiers and managers, by store and staff id."""
    out: dict[tuple[str, str], str] = {}
    m = CashMoveRecord
    for store_id, staff_id, staff_name, approved_by, approver_name in s.execute(
        select(m.store_id, m.staff_id, m.staff_name, m.approved_by, m.approver_name)
        .where(m.shift_id.in_(sorted(shifts)))
        .order_by(m.moved_at)
    ):
        for staff, name in ((staff_id, staff_name), (approved_by, approver_name)):
            if staff and name:
                out[(store_id, staff)] = name  # the latest wins
    return out
