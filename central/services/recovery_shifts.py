"""What central holds of a store's shifts closed after its backup, for a store restoring it (recovery): each with the
Z its till wrote (the `shift.closed` payload central keeps), so the restored store closes the shift its backup holds
open, as the cashier did, instead of showing it open.

Central keeps a shift's Z on its row (`shifts.report_json`, the payload as the till sent it) but not which event
closed it; the event's row (`applied_events`) keeps its store_seq and its payload hash. So a shift closed after the
backup is one whose Z hashes to a `shift.closed` applied above `after_seq`. The shifts of the sales, refunds and cash
moves after the backup are looked at first (one of those closed was closed after them, so after the backup); the
store's other closed shifts are read only while some such Z is still unmatched (a shift whose last fact came before
the backup), a few hundred rows at a time, and no further than that. Read-only.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from central.tables import AppliedEvent, CashMoveRecord, Refund, Sale, ShiftRecord
from common.contract.names import EventType

from .run_apply import payload_hash

MAX_SHIFTS = 500  # shifts closed after the backup in the answer (a few a day a till); `shifts_closed_more` says more
_READ = 500  # of the store's other closed shifts, read at a time while a Z after the backup is unmatched


def shifts_closed_after(s: Session, store_id: str, after_seq: int, held: Any) -> dict[str, Any]:
    """The shifts of this store closed by its events after `after_seq` (`held`: those events' ids), in the order
    they were closed, MAX_SHIFTS at most, each with its Z as the till's `shift.closed` said it."""
    closes = s.execute(
        select(AppliedEvent.payload_hash, AppliedEvent.store_seq)
        .where(
            AppliedEvent.store_id == store_id,
            AppliedEvent.type == EventType.SHIFT_CLOSED,
            AppliedEvent.store_seq > after_seq,
            AppliedEvent.outcome == "applied",
        )
        .order_by(AppliedEvent.store_seq)
        .limit(MAX_SHIFTS + 1)
    ).all()
    wanted = {str(h): int(seq) for h, seq in closes[:MAX_SHIFTS]}
    found: dict[str, tuple[int, ShiftRecord]] = {}
    of_facts: Any = union(
        select(Sale.shift_id).where(Sale.store_id == store_id, Sale.event_id.in_(held)),
        select(Refund.shift_id).where(Refund.store_id == store_id, Refund.event_id.in_(held)),
        select(CashMoveRecord.shift_id).where(CashMoveRecord.store_id == store_id, CashMoveRecord.event_id.in_(held)),
    )
    closed = select(ShiftRecord).where(ShiftRecord.store_id == store_id, ShiftRecord.state == "closed")
    for row in s.scalars(closed.where(ShiftRecord.id.in_(of_facts)).limit(MAX_SHIFTS)):
        # Closed after a fact of it after the backup: after the backup (its Z unmatched: kept last).
        found[row.id] = (wanted.pop(_hash(row), 2**62), row)
    if wanted:
        rest = s.scalars(closed.where(ShiftRecord.id.not_in(list(found))).execution_options(yield_per=_READ))
        try:
            for row in rest:
                seq = wanted.pop(_hash(row), None)
                if seq is not None:
                    found[row.id] = (seq, row)
                    if not wanted:
                        break
        finally:
            rest.close()
    listed = sorted(found.values(), key=lambda f: (f[0], f[1].id))
    return {
        "shifts_closed_after": [_shift(row) for _, row in listed[:MAX_SHIFTS]],
        "shifts_closed_more": len(closes) > MAX_SHIFTS or len(listed) > MAX_SHIFTS,
    }


def _report(row: ShiftRecord) -> dict[str, Any] | None:
    try:
        report = json.loads(row.report_json) if row.report_json else None
    except ValueError:
        return None
    return report if isinstance(report, dict) else None


def _hash(row: ShiftRecord) -> str:
    report = _report(row)
    return payload_hash(report) if report is not None else ""


def _shift(row: ShiftRecord) -> dict[str, Any]:
    """The shift as central keeps it: its drawer's figures and the Z (None: central keeps none)."""
    return {
        "shift_id": row.id,
        "store_id": row.store_id,
        "till_id": row.till_id,
        "opening_float": int(row.opening_float),
        "expected_cash": None if row.expected_cash is None else int(row.expected_cash),
        "counted_cash": None if row.counted_cash is None else int(row.counted_cash),
        "variance": None if row.variance is None else int(row.variance),
        "report": _report(row),
    }
