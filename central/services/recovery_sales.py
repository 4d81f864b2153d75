"""What central holds of a store's sales and refunds after its backup, for a store restoring it (recovery): each as
its event said it, with who made and approved it and on which shift as central keeps them (refund_staff), and the
points entries central booked for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import AppliedEvent, PointsEntry, Refund, RefundLine, Sale, SaleLine, ShiftRecord, Tender

MAX_SALES = 1000  # sales in one answer; `sales_completed_next` is the after_seq that asks for the next ones
MAX_REFUNDS = 5000  # refunds in the answer (far fewer than sales); `refunds_completed_more` says some were left out
# As refund.completed says them, with the cashier, the approving manager and the shift central keeps (None: older)
REFUND = ("id", "number", "store_id", "sale_id", "till_id", "tender_type", "amount", "reason")
REFUND_PEOPLE = ("staff_id", "approved_by", "shift_id")
REFUND_LINE = ("id", "sale_line_id", "sku", "qty", "amount")  # says them
MAX_REFUNDED_LINES = 50_000  # sale lines named in `refunded_lines` (those of sales refunded after the backup)
MAX_POINTS_ENTRIES = 10  # of one sale or refund (an earn, a redeem or two, a reverse and a restore)


def sales_completed_after(s: Session, store_id: str, after_seq: int) -> dict[str, Any]:
    """The sales the events after `after_seq` brought, in store_seq order, MAX_SALES at most; with each line the
    quantity central's refunds took back, and the opening float of the sale's shift (None: central has no such
    shift). `sales_completed_next`: the after_seq that asks for the next ones (None: these are all)."""
    found = s.execute(
        select(Sale, AppliedEvent.store_seq)
        .join(AppliedEvent, AppliedEvent.event_id == Sale.event_id)
        .where(
            Sale.store_id == store_id,
            AppliedEvent.store_id == store_id,
            AppliedEvent.store_seq > after_seq,
            AppliedEvent.outcome == "applied",
        )
        .order_by(AppliedEvent.store_seq)
        .limit(MAX_SALES + 1)
    ).all()
    more = len(found) > MAX_SALES
    sales = [sale for sale, _ in found[:MAX_SALES]]
    ids = [sale.id for sale in sales]
    lines: dict[str, list[SaleLine]] = {}
    tenders: dict[str, list[Tender]] = {}
    if ids:  # central keeps no line position: the lines come in the order they were stored, the till's
        for line in s.scalars(select(SaleLine).where(SaleLine.sale_id.in_(ids))):
            lines.setdefault(line.sale_id, []).append(line)
        for tender in s.scalars(select(Tender).where(Tender.sale_id.in_(ids))):
            tenders.setdefault(tender.sale_id, []).append(tender)
    refunded = dict(
        s.execute(
            select(RefundLine.sale_line_id, func.sum(RefundLine.qty))
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(Refund.store_id == store_id, Refund.sale_id.in_(ids))
            .group_by(RefundLine.sale_line_id)
        ).all()
    )
    shift_ids = {sale.shift_id for sale in sales if sale.shift_id}
    floats = dict(
        s.execute(
            select(ShiftRecord.id, ShiftRecord.opening_float).where(
                ShiftRecord.store_id == store_id, ShiftRecord.id.in_(shift_ids)
            )
        ).all()
    )
    points = _points_of(s, store_id, ids)
    payloads = [
        _sale_payload(sale, lines.get(sale.id, []), tenders.get(sale.id, []), refunded, floats)
        | {"points": points.get(sale.id, [])}
        for sale in sales
    ]
    return {"sales_completed_after": payloads, "sales_completed_next": int(found[MAX_SALES - 1][1]) if more else None}


def _sale_payload(
    sale: Sale, lines: list[SaleLine], tenders: list[Tender], refunded: dict[str, Any], floats: dict[str, Any]
) -> dict[str, Any]:
    """The sale as its `sale.completed` said it (what central keeps of it: no line position, promotion or tax
    lines), with the store it is of."""
    float_ = floats.get(sale.shift_id or "")
    return {
        "sale_id": sale.id,
        "number": sale.number,
        "store_id": sale.store_id,
        "till_id": sale.till_id,
        "member_id": sale.member_id,
        "shift_id": sale.shift_id,
        "staff_id": sale.staff_id,
        "discount_approved_by": sale.discount_approved_by,  # version 5's (None: not said, or an older version)
        "completed_at": sale.completed_at.isoformat() if sale.completed_at else None,
        "currency": sale.currency,
        "lines": [
            {
                "id": l.id,
                "sku": l.sku,
                "name": l.name,
                "qty": int(l.qty),
                "unit_price": int(l.unit_price),
                "line_discount": int(l.line_discount),
                "sale_discount": int(l.sale_discount),
                "net": int(l.net),
                "tax_group": l.tax_group,
                "measure": l.measure,
                "refunded_qty": int(refunded.get(l.id) or 0),
            }
            for l in lines
        ],
        "tenders": [{"id": t.id, "type": t.type, "amount": int(t.amount)} for t in tenders],
        "subtotal": int(sale.subtotal),
        "discount": int(sale.discount),
        "tax": int(sale.tax),
        "rounding": int(sale.rounding),
        "total": int(sale.total),
        "paid": int(sale.paid),
        "change": int(sale.change),
        "shift_opening_float": None if float_ is None else int(float_),
    }


def refunds_completed_after(s: Session, store_id: str, after_seq: int, held: Any) -> dict[str, Any]:
    """The refunds the events after `after_seq` brought, in store_seq order, MAX_REFUNDS at most, as their
        `refund.completed` said them with the cashier, approver and shift central keeps (refund_staff; None when the event
    was older: the store works them out, as it does the rounding), with the
        points entries central booked for each (`refunds_completed_more`: some were left out); and of each sale they
        refunded, per line, all that central's refunds of it took back (the store marks no less of it refunded)."""
    found = list(
        s.scalars(
            select(Refund)
            .join(AppliedEvent, AppliedEvent.event_id == Refund.event_id)
            .where(Refund.store_id == store_id, AppliedEvent.store_id == store_id, AppliedEvent.store_seq > after_seq)
            .order_by(AppliedEvent.store_seq)
            .limit(MAX_REFUNDS + 1)
        )
    )
    refunds = found[:MAX_REFUNDS]
    ids = [r.id for r in refunds]
    lines: dict[str, list[RefundLine]] = {}
    for line in s.scalars(select(RefundLine).where(RefundLine.refund_id.in_(ids)).order_by(RefundLine.id)):
        lines.setdefault(line.refund_id, []).append(line)
    points = _points_of(s, store_id, ids)
    per_line = s.execute(
        select(Refund.sale_id, RefundLine.sale_line_id, func.sum(RefundLine.qty))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(
            Refund.store_id == store_id,
            Refund.sale_id.in_(select(Refund.sale_id).where(Refund.store_id == store_id, Refund.event_id.in_(held))),
        )
        .group_by(Refund.sale_id, RefundLine.sale_line_id)
        .order_by(Refund.sale_id, RefundLine.sale_line_id)
        .limit(MAX_REFUNDED_LINES)
    )
    return {
        "refunds_completed_after": [
            {k: getattr(r, k) for k in REFUND + REFUND_PEOPLE}
            | {
                "created_at": r.created_at.isoformat() if r.created_at else None,
                "lines": [{k: getattr(l, k) for k in REFUND_LINE} for l in lines.get(r.id, [])],
                "points": points.get(r.id, []),
            }
            for r in refunds
        ],
        "refunds_completed_more": len(found) > MAX_REFUNDS,
        "refunded_lines": [{"sale_id": sale, "line_id": line, "qty": int(qty)} for sale, line, qty in per_line],
    }


def _points_of(s: Session, store_id: str, ref_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The points entries this store's events booked against each sale or refund (by its id), oldest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not ref_ids:
        return out
    rows = s.scalars(
        select(PointsEntry)
        .where(PointsEntry.store_id == store_id, PointsEntry.ref_id.in_(ref_ids))
        .order_by(PointsEntry.created_at, PointsEntry.id)
    )
    for e in rows:
        listed = out.setdefault(str(e.ref_id), [])
        if len(listed) < MAX_POINTS_ENTRIES:
            listed.append(
                {"id": e.id, "member_id": e.member_id, "kind": e.kind, "points": int(e.points), "event_id": e.event_id}
            )
    return out
