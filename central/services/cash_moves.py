"""Cash moved in and out of the stores' till drawers (cash.moved): each move recorded once, after the checks a
store's word needs, and a shift's Z report held to the moves central has for it.

Locks: none beyond the pushing store's row (docs/locking.md, 1). A shift's moves and its Z come from one store, and
that store's events are applied one at a time in store_seq order; a move id two stores claim at once is settled by
the primary key (the later one is dead-lettered)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from central.tables import CashMoveRecord, ShiftRecord
from common.contract.cash_events import CASH_REASONS, CashMoved, CashMovedV2
from common.limits import MAX_AMOUNT
from common.money import format_money
from common.timestamps import parse_time

from .context import CentralContext
from .envelope import Event
from .feed import FeedChange
from .payloads import Refused, Rejection, parse
from .statements import insert_into


def cash_moved(session: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(CashMovedV2 if ev.schema_version >= 2 else CashMoved, ev.payload)
    known = session.get(CashMoveRecord, p.move_id)
    if known is not None:
        if known.store_id != ev.store_id:
            raise Refused("other_store", f"cash move {p.move_id} is of store {known.store_id}, not {ev.store_id}")
        if _facts(known) != _facts(p):
            raise Rejection("cash_move_id_reused", f"cash move {p.move_id} is already held with other figures")
        return []  # the same move sent again under another event: held once
    check_move(session, ev, p)
    session.connection().execute(
        insert_into(CashMoveRecord.__table__),
        dict(
            id=p.move_id,
            store_id=ev.store_id,
            till_id=p.till_id,
            shift_id=p.shift_id,
            direction=p.direction,
            reason=p.reason,
            amount=p.amount,
            note=p.note.strip() or None,
            staff_id=p.staff_id,
            approved_by=p.approved_by,
            staff_name=(p.staff_name.strip() or None) if isinstance(p, CashMovedV2) else None,
            approver_name=(p.approver_name.strip() or None) if isinstance(p, CashMovedV2) else None,
            moved_at=parse_time(p.moved_at),
            event_id=ev.event_id,
            recorded_at=ctx.clock(),
        ),
    )
    return []


def _facts(m: CashMoveRecord | CashMoved) -> tuple[Any, ...]:
    note = (m.note or "").strip()
    return (m.till_id, m.shift_id, m.direction, m.reason, m.amount, note, m.staff_id, m.approved_by)


def check_move(session: Session, ev: Event, p: CashMoved) -> None:
    """What a store's word on a move must hold: its own till, a sane amount, a declared reason that moves cash the
    way it says, a manager on every move out, and a shift of that till that central has not seen closed."""
    what = f"cash move {p.move_id}"
    if ev.device_id != p.till_id:
        raise Refused("other_device", f"{what} is of till {p.till_id!r} but its event comes from {ev.device_id!r}")
    if not 0 < p.amount <= MAX_AMOUNT:
        raise Refused(
            "amount_out_of_range", f"{what} is {format_money(p.amount)}: a move is Rp 1 to {format_money(MAX_AMOUNT)}"
        )
    if p.reason not in CASH_REASONS:
        raise Refused(
            "unknown_cash_reason", f"{what} gives reason {p.reason!r}; the reasons are {', '.join(CASH_REASONS)}"
        )
    if CASH_REASONS[p.reason] != p.direction:
        raise Refused(
            "wrong_cash_direction", f"{what}: {p.reason} moves cash {CASH_REASONS[p.reason]}, not {p.direction}"
        )
    if p.direction == "out" and not p.approved_by:
        raise Refused(
            "approval_missing", f"{what} takes {format_money(p.amount)} out of the drawer with no manager named"
        )
    shift = session.get(ShiftRecord, p.shift_id)
    if shift is None:
        return  # its shift.opened may have been refused or be older than central: the Z is checked against it
    if (shift.store_id, shift.till_id) != (ev.store_id, p.till_id):
        raise Refused(
            "other_store_shift",
            f"{what} names shift {p.shift_id}, which is of till {shift.till_id} of store {shift.store_id}",
        )
    if shift.state == "closed":
        raise Refused(
            "shift_closed", f"{what} is for shift {p.shift_id}, whose Z report central already has: it comes too late"
        )


def held_for_shift(session: Session, store_id: str, till_id: str, shift_id: str) -> tuple[int, int, int]:
    """(moves, cash out, cash in) that central holds for a shift of this store's till."""
    out = func.coalesce(func.sum(case((CashMoveRecord.direction == "out", CashMoveRecord.amount), else_=0)), 0)
    in_ = func.coalesce(func.sum(case((CashMoveRecord.direction == "in", CashMoveRecord.amount), else_=0)), 0)
    row = session.execute(
        select(func.count(), out, in_).where(
            CashMoveRecord.shift_id == shift_id,
            CashMoveRecord.store_id == store_id,
            CashMoveRecord.till_id == till_id,
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def check_z(session: Session, ev: Event, shift_id: str, till_id: str) -> None:
    """A Z report's cash out and cash in are the sums of the shift's moves central holds, when it holds any (a store
    older than cash.moved sends none: its Z stands as it says)."""
    count, out, in_ = held_for_shift(session, ev.store_id, till_id, shift_id)
    if not count:
        return
    said = {k: ev.payload.get(k, 0) for k in ("cash_out", "cash_in")}
    if any(type(v) is not int for v in said.values()):
        raise Rejection("bad_payload", "cash_out and cash_in of a Z report are whole Rupiah")
    if (said["cash_out"], said["cash_in"]) != (out, in_):
        raise Refused(
            "totals_do_not_add_up",
            f"the Z report of shift {shift_id} says cash out {format_money(said['cash_out'])} and cash in "
            f"{format_money(said['cash_in'])}; the {count} cash move(s) central holds for it add up to {format_money(out)} out "
            f"and {format_money(in_)} in",
        )
