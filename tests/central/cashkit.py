"""Payloads of a till's shift and its cash moves as a store writes them, for central's tests of cash.moved."""

from __future__ import annotations

import uuid
from typing import Any

from checkkit import Pusher
from sqlalchemy import select

from central.tables import CashMoveRecord, DeadLetter, ShiftRecord
from common.contract.names import EventType

CASHIER, MANAGER = "staff-kasir-1", "staff-manajer-1"


def move(shift_id: str, reason: str = "safe_drop", amount: int = 150_000, **extra: Any) -> dict[str, Any]:
    """A cash.moved payload of till T1: out-moves name MANAGER, in-moves nobody."""
    direction = {"safe_drop": "out", "store_expense": "out", "other_out": "out"}.get(reason, "in")
    return {
        "move_id": str(uuid.uuid4()),
        "till_id": "T1",
        "shift_id": shift_id,
        "direction": direction,
        "reason": reason,
        "amount": amount,
        "note": "",
        "staff_id": CASHIER,
        "approved_by": MANAGER if direction == "out" else None,
        "moved_at": "2026-12-05T03:15:00",
        **extra,
    }


def open_shift(p: Pusher, till_id: str = "T1") -> str:
    shift_id = str(uuid.uuid4())
    p.applied(EventType.SHIFT_OPENED, {"shift_id": shift_id, "till_id": till_id, "opening_float": 200_000}, till_id)
    return shift_id


def z_report(shift_id: str, cash_out: int, cash_in: int, till_id: str = "T1") -> dict[str, Any]:
    """The shift.closed payload as the till writes it (the totals central checks, and a few others)."""
    expected = 200_000 - cash_out + cash_in
    return {
        "kind": "Z",
        "shift_id": shift_id,
        "till_id": till_id,
        "opening_float": 200_000,
        "cash_out": cash_out,
        "cash_in": cash_in,
        "expected_cash": expected,
        "counted_cash": expected,
        "variance": 0,
    }


def held(central: Any) -> list[tuple[Any, ...]]:
    with central.ctx.db.sessions() as s:
        return [
            (m.id, m.store_id, m.shift_id, m.direction, m.reason, m.amount, m.approved_by)
            for m in s.scalars(select(CashMoveRecord).order_by(CashMoveRecord.id))
        ]


def shift_state(central: Any, shift_id: str) -> str | None:
    with central.ctx.db.sessions() as s:
        row = s.get(ShiftRecord, shift_id)
        return row.state if row else None


def dead_letter_code(central: Any, event_id: str) -> str | None:
    with central.ctx.db.sessions() as s:
        dead = s.get(DeadLetter, event_id)
        return dead.code if dead else None
