"""What the central store holds of one store, for a store restoring its database from a backup.

A store's disk died; it restores its last backup, taken at store_seq X. The central store holds every event up
to its high-water mark Y (events arrive in store_seq order). The store must continue after both: its next event
is max(X, Y) + 1 (a lower one would be refused as `seq_taken`), and each till's next receipt number is above
every number central has seen from it. Events X+1..Y stay at central; the store re-learns their stock movements
(the lines of those sales and refunds) so its on-hand figures match, the cash moves among them (pay-outs, drops,
pay-ins) so its shifts' expected cash does, the sales themselves (as their `sale.completed` said them) so the
till finds, reprints and refunds them, and the refunds (as their `refund.completed` said them, less what central
does not keep) so nothing is refunded twice; each with the points entries central booked for it. Read-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import (
    AppliedEvent,
    CashMoveRecord,
    CentralMeta,
    PointsEntry,
    Refund,
    RefundLine,
    Sale,
    SaleLine,
    ShiftRecord,
    Store,
    Tender,
)

from .context import CentralContext

MAX_LISTED = 200  # receipt numbers listed in the answer; the counts and stock cover all
MAX_CASH_MOVES = 1000  # cash moves in the answer (a few a shift; the store records at most these)
MAX_SALES = 1000  # sales in one answer; `sales_completed_next` is the after_seq that asks for the next ones
MAX_REFUNDS = 5000  # refunds in the answer (far fewer than sales); `refunds_completed_more` says some were left out
REFUND = ("id", "number", "store_id", "sale_id", "till_id", "tender_type", "amount", "reason")  # as refund.completed
REFUND_LINE = ("id", "sale_line_id", "sku", "qty", "amount")  # says them
MAX_REFUNDED_LINES = 50_000  # sale lines named in `refunded_lines` (those of sales refunded after the backup)
MAX_POINTS_ENTRIES = 10  # of one sale or refund (an earn, a redeem or two, a reverse and a restore)


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
            **_sales_completed_after(s, store_id, after_seq),
            **_refunds_completed_after(s, store_id, after_seq, held),
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


def _sales_completed_after(s: Session, store_id: str, after_seq: int) -> dict[str, Any]:
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


def _refunds_completed_after(s: Session, store_id: str, after_seq: int, held: Any) -> dict[str, Any]:
    """The refunds the events after `after_seq` brought, in store_seq order, MAX_REFUNDS at most, as their
    `refund.completed` said them (central keeps no rounding, staff or shift: the store works them out), with the
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
            {k: getattr(r, k) for k in REFUND}
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
