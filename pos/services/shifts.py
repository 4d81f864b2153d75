"""Opening a shift with a float, the X report, closing with counted cash (the Z report)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import Conflict, DomainError, NotFound
from pos.adapters.tables import ITEMS_IN_LINES, CashMove, Refund, Sale, SaleLine, Shift, TenderRow
from pos.domain.shifts import CashPosition

from .auth import Actor
from .context import StoreContext
from .records import audit, emit_event


def current_shift(session: Session, till_id: str) -> Shift | None:
    return session.scalar(select(Shift).where(Shift.till_id == till_id, Shift.state == "open"))


def require_shift(session: Session, till_id: str) -> Shift:
    shift = current_shift(session, till_id)
    if shift is None:
        raise no_shift(till_id)
    return shift


_OPEN_SHIFT_ID = select(Shift.__table__.c.id).where(
    Shift.__table__.c.till_id == bindparam("till_id"), Shift.__table__.c.state == "open"
)


def require_shift_id(session: Session, till_id: str) -> str:
    """The id of the till's open shift (one Core read, for every new sale), refused as require_shift is."""
    shift_id = session.scalar(_OPEN_SHIFT_ID, {"till_id": till_id})
    if shift_id is None:
        raise no_shift(till_id)
    return str(shift_id)


def no_shift(till_id: str) -> DomainError:
    return DomainError("no_open_shift", f"open a shift on till {till_id} first (count the float)")


def open_shift(ctx: StoreContext, actor: Actor, opening_float: int) -> dict[str, Any]:
    if opening_float < 0:
        raise DomainError("bad_amount", "the opening float cannot be negative")
    with ctx.db.unit_of_work() as s:
        if current_shift(s, actor.till_id):
            raise Conflict("shift_open", f"till {actor.till_id} already has an open shift; close it first")
        shift = Shift(
            till_id=actor.till_id, staff_id=actor.staff_id, opening_float=opening_float, opened_at=ctx.clock()
        )
        s.add(shift)
        s.flush()
        emit_event(
            s,
            ctx,
            EventType.SHIFT_OPENED,
            {"shift_id": shift.id, "till_id": actor.till_id, "opening_float": opening_float},
            actor.till_id,
        )
        return shift_json(shift)


def shift_json(shift: Shift) -> dict[str, Any]:
    return {
        "id": shift.id,
        "till_id": shift.till_id,
        "state": shift.state,
        "opening_float": shift.opening_float,
        "opened_at": shift.opened_at.isoformat(),
    }


def cash_moved(session: Session, shift_id: str) -> dict[str, dict[str, int]]:
    """The shift's cash moved in and out of the drawer, per direction and reason (cash_moves.py records them):
    {"out": {"safe_drop": 500000}, "in": {"more_change": 100000}}."""
    rows = session.execute(
        select(CashMove.direction, CashMove.reason, func.sum(CashMove.amount))
        .where(CashMove.shift_id == shift_id)
        .group_by(CashMove.direction, CashMove.reason)
    ).all()
    moved: dict[str, dict[str, int]] = {"in": {}, "out": {}}
    for direction, reason, amount in rows:
        moved[direction][reason] = int(amount)
    return moved


def expected_cash(session: Session, shift: Shift) -> int:
    """What the drawer should hold now: float + cash sales - cash refunds - cash out + cash in."""
    return int(_report(session, shift)["expected_cash"])


def _report(session: Session, shift: Shift) -> dict[str, Any]:
    sales = select(Sale.id).where(Sale.shift_id == shift.id, Sale.state == "completed")
    by_tender = {
        t: int(a)
        for t, a in session.execute(
            select(TenderRow.type, func.sum(TenderRow.amount))
            .where(TenderRow.sale_id.in_(sales))
            .group_by(TenderRow.type)
        )
    }
    totals = session.execute(
        select(
            func.count(Sale.id),
            func.coalesce(func.sum(Sale.total), 0),
            func.coalesce(func.sum(Sale.discount_total), 0),
            func.coalesce(func.sum(Sale.tax_total), 0),
            func.coalesce(func.sum(Sale.change), 0),
            func.coalesce(func.sum(Sale.rounding), 0),
        ).where(Sale.shift_id == shift.id, Sale.state == "completed")
    ).one()
    refunds = session.execute(
        select(Refund.tender_type, func.count(Refund.id), func.sum(Refund.amount))
        .where(Refund.shift_id == shift.id)
        .group_by(Refund.tender_type)
    ).all()
    # An empty sale given up (at sign-in, park or close) is not a void a manager needs to see.
    has_lines = select(SaleLine.id).where(SaleLine.sale_id == Sale.id).exists()
    voided = session.scalar(
        select(func.count(Sale.id)).where(Sale.shift_id == shift.id, Sale.state == "voided", has_lines)
    )
    cash_sales = by_tender.get("cash", 0) - int(totals[4])
    cash_refunds = sum(int(a) for t, _, a in refunds if t == "cash")
    moved = cash_moved(session, shift.id)
    cash = CashPosition(
        shift.opening_float, cash_sales, cash_refunds, sum(moved["out"].values()), sum(moved["in"].values())
    )
    return {
        "shift_id": shift.id,
        "till_id": shift.till_id,
        "opened_at": shift.opened_at.isoformat(),
        "sales_count": int(totals[0]),
        "sales_total": int(totals[1]),
        "discounts": int(totals[2]),
        "tax": int(totals[3]),
        "rounding": int(totals[5]),
        "tenders": {t: by_tender.get(t, 0) - (int(totals[4]) if t == "cash" else 0) for t in sorted(by_tender)},
        "refunds": {
            "count": sum(int(c) for _, c, _ in refunds),
            "total": sum(int(a) for _, _, a in refunds),
            "by_tender": {t: int(a) for t, _, a in refunds},
        },
        "voided_sales": int(voided or 0),
        "opening_float": shift.opening_float,
        "cash_out": cash.cash_out,
        "cash_in": cash.cash_in,
        "cash_moved": moved,
        "expected_cash": cash.expected,
    }


def _unfinished(session: Session, shift: Shift) -> list[dict[str, Any]]:
    """The shift's sales with items that are still open or parked: each blocks its Z until finished or voided."""
    has_lines = select(SaleLine.id).where(SaleLine.sale_id == Sale.id).exists()
    items = select(ITEMS_IN_LINES).where(SaleLine.sale_id == Sale.id).scalar_subquery()  # as the till counts them
    rows = session.execute(
        select(Sale.id, Sale.state, Sale.created_at, items)
        .where(Sale.shift_id == shift.id, Sale.state.in_(("open", "parked")), has_lines)
        .order_by(Sale.created_at)
    ).all()
    return [{"id": i, "state": st, "created_at": at.isoformat(), "items": int(n)} for i, st, at, n in rows]


def shift_report(session: Session, shift: Shift) -> dict[str, Any]:
    """A shift's running totals (the X report) and the sales still open or parked on it."""
    return {"kind": "X", **_report(session, shift), "unfinished": _unfinished(session, shift)}


def x_report(ctx: StoreContext, actor: Actor) -> dict[str, Any]:
    """The running totals of the till's open shift; changes nothing."""
    with ctx.db.sessions() as s:
        shift = current_shift(s, actor.till_id)
        if shift is None:
            raise NotFound("no_open_shift", f"till {actor.till_id} has no open shift")
        return shift_report(s, shift)


def close_shift(ctx: StoreContext, actor: Actor, counted_cash: int) -> dict[str, Any]:
    """Close with the counted cash and return the Z report (expected, counted, variance)."""
    if counted_cash < 0:
        raise DomainError("bad_amount", "counted cash cannot be negative")
    with ctx.db.unit_of_work() as s:
        shift = require_shift(s, actor.till_id)
        if open_sales := _unfinished(s, shift):
            raise Conflict(
                "sales_open",
                f"{len(open_sales)} sale(s) still open or parked: finish or void them first",
                sales=open_sales,
            )
        unfinished = Sale.shift_id == shift.id, Sale.state.in_(("open", "parked"))
        s.execute(update(Sale).where(*unfinished).values(state="voided"))
        report = {"kind": "Z", **_report(s, shift)}
        report.update(counted_cash=counted_cash, variance=counted_cash - report["expected_cash"])
        shift.state, shift.closed_at, shift.closed_by = "closed", ctx.clock(), actor.staff_id
        shift.expected_cash, shift.counted_cash = report["expected_cash"], counted_cash
        report["closed_at"] = shift.closed_at.isoformat()
        shift.report_json = json.dumps(report)
        emit_event(s, ctx, EventType.SHIFT_CLOSED, report, actor.till_id)
        audit(
            s,
            ctx,
            "shift_close",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            ref_id=shift.id,
            detail={"counted": counted_cash, "variance": report["variance"]},
        )
        return report
