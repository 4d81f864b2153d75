"""Cash in and out of the till's drawer during a shift ("Kas keluar / Kas masuk"): a drop to the safe, a store
expense paid from the drawer, more change put in. Each is recorded once under the id the till made for it, tied
to the open shift and till, with the cashier and (cash out) the approving manager; audit-logged; the printer gives
a slip with the drawer's kick pulse first. The X and Z reports count them in the expected cash (shifts._report)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import Conflict
from common.money import format_money, group_thousands
from pos.adapters.tables import CashMove, Sale, SaleLine, Shift, Staff
from pos.domain.cash_moves import CashMoveAsked

from . import auth
from .auth import Actor
from .cash_slip import slip
from .context import StoreContext
from .ports import Outbox
from .printing import add_job, wake
from .records import SqlOutbox, audit
from .shifts import expected_cash, require_shift

log = logging.getLogger(__name__)


def moves(session: Session, shift_id: str) -> list[dict[str, Any]]:
    """Each cash movement of a shift, oldest first, with who asked and who approved by name."""
    names = {x.id: x.name for x in session.scalars(select(Staff))}
    rows = session.scalars(
        select(CashMove).where(CashMove.shift_id == shift_id).order_by(CashMove.created_at, CashMove.id)
    )
    return [
        {**_json(m), "cashier": names.get(m.staff_id, ""), "manager": names.get(m.approved_by or "", "")} for m in rows
    ]


def _json(m: CashMove) -> dict[str, Any]:
    return {
        "id": m.id,
        "shift_id": m.shift_id,
        "till_id": m.till_id,
        "direction": m.direction,
        "reason": m.reason,
        "note": m.note or "",
        "amount": m.amount,
        "at": m.created_at.isoformat(),
    }


def _sale_under_way(session: Session, shift: Shift) -> None:
    """Cash moves between sales: a sale on this till with items in it (not parked) is finished or parked first."""
    has_lines = select(SaleLine.id).where(SaleLine.sale_id == Sale.id).exists()
    busy = session.scalar(
        select(func.count(Sale.id)).where(
            Sale.shift_id == shift.id, Sale.till_id == shift.till_id, Sale.state == "open", has_lines
        )
    )
    if busy:
        raise Conflict("sale_under_way", "finish or park (F8) the sale under way before moving cash in or out")


def _same(s: Session, m: CashMove, actor: Actor, asked: CashMoveAsked) -> dict[str, Any]:
    """A retried request (same id): the first record, if it is the same act; another act under the id is refused."""
    if (m.till_id, m.reason, m.amount, m.note or "") != (actor.till_id, asked.reason, asked.amount, asked.note.strip()):
        raise Conflict("cash_move_id_reused", "this id names another cash movement: a new one needs a new id")
    shift = s.get(Shift, m.shift_id)
    expected = expected_cash(s, shift) if shift is not None else None
    return {**_json(m), "replayed": True, "drawer_opened": False, "expected_cash": expected}


def record(
    ctx: StoreContext,
    actor: Actor,
    *,
    reason: str,
    amount: int,
    note: str = "",
    approval: dict[str, str] | None = None,
    move_id: str | None = None,
) -> dict[str, Any]:
    """Record a pay-out, drop or pay-in on the till's open shift; returns it with the drawer's expected cash after."""
    asked = CashMoveAsked(reason, amount, note or "")
    asked.check()
    with ctx.db.sessions() as s:  # refused before a manager types a PIN: a retry, no shift, a sale, too much
        if move_id and (done := s.get(CashMove, move_id)) is not None:
            return _same(s, done, actor, asked)
        shift = require_shift(s, actor.till_id)
        _sale_under_way(s, shift)
        asked.check_drawer(expected_cash(s, shift))
    manager = auth.approving_manager(ctx, approval, _what(asked)) if asked.needs_approval else None
    approver = manager.staff_id if manager else None
    with ctx.db.unit_of_work() as s:
        if move_id and (done := s.get(CashMove, move_id)) is not None:  # a twin request got here first
            return _same(s, done, actor, asked)
        shift = require_shift(s, actor.till_id)
        _sale_under_way(s, shift)
        asked.check_drawer(expected_cash(s, shift))  # again, in the write transaction: two pay-outs cannot both pass
        row = CashMove(
            shift_id=shift.id,
            till_id=actor.till_id,
            direction=asked.direction,
            reason=asked.reason,
            note=asked.note.strip() or None,
            amount=asked.amount,
            staff_id=actor.staff_id,
            approved_by=approver,
            created_at=ctx.clock(),
        )
        if move_id:
            row.id = move_id
        s.add(row)
        s.flush()
        # with the move, in its transaction: central learns of each one
        emit_moved(SqlOutbox(s, ctx), row, actor.name, manager.name if manager else "")
        audit(
            s,
            ctx,
            f"cash_{asked.direction}",
            till_id=actor.till_id,
            requested_by=actor.staff_id,
            approved_by=approver,
            ref_id=row.id,
            detail={
                "amount": format_money(asked.amount, ctx.currency),
                "purpose": asked.reason,
                "note": asked.note.strip() or None,
            },
        )
        drawer = _print_slip(s, ctx, row, actor.name, manager.name if manager else None)
        view = {**_json(row), "replayed": False, "drawer_opened": drawer, "expected_cash": expected_cash(s, shift)}
    if ctx.has_printer:
        wake(ctx)
    return view


def emit_moved(outbox: Outbox, m: CashMove, cashier: str, manager: str) -> str:
    """The move's `cash.moved` event, from the till that made it, naming the cashier and the approving manager;
    returns the event's id."""
    payload = {
        "move_id": m.id,
        "till_id": m.till_id,
        "shift_id": m.shift_id,
        "direction": m.direction,
        "reason": m.reason,
        "amount": m.amount,
        "note": m.note or "",
        "staff_id": m.staff_id,
        "approved_by": m.approved_by,
        "moved_at": m.created_at.isoformat(),
        "staff_name": cashier,
        "approver_name": manager,
    }
    return outbox.emit(EventType.CASH_MOVED, payload, m.till_id)


def _what(asked: CashMoveAsked) -> str:
    return f"taking Rp {group_thousands(asked.amount)} out of the drawer ({asked.reason})"


def _print_slip(s: Session, ctx: StoreContext, row: CashMove, cashier: str, manager: str | None) -> bool:
    """Queue the slip (the drawer's kick first) in the movement's transaction; whether the drawer is kicked open. A
    printer problem never refuses the cash: the movement stands, and a manager can open the drawer by hand."""
    if not ctx.has_printer:
        return False
    try:
        with s.begin_nested():
            add_job(s, ctx, "cash", row.till_id, slip(ctx, row, cashier, manager), ref_id=row.id)
    except Exception:  # noqa: BLE001 - see above
        log.exception("the slip of cash movement %s could not be queued", row.id)
        return False
    return ctx.config.printer.drawer_kick
