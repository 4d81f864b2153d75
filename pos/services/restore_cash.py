"""After a backup is put back: the cash moves central holds that the backup lacks, recorded again.

A pay-out, drop or pay-in made after the backup was taken and synced lives on at central only; without it the
shift's expected cash (X and Z reports) is off by its amount, and the Z that central holds to its moves is refused.
Each move central names is checked as the till would check it (a sane amount, a reason that moves cash the way it
says, a manager on a move out) and must be of this store, of a shift in the backup that is still open there, of
that shift's till, by staff the backup knows. It is recorded under the same id and with no outbox event: central
has it already. One the backup already holds is skipped (a restore run twice records nothing twice); any other is
refused with a line saying why, and the restore goes on without it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from common.contract.cash_events import CashMovedV2
from common.contract.wire import BadPayload, Wire, parse
from common.errors import DomainError
from common.money import format_money
from common.timestamps import parse_time
from pos.adapters.tables import CashMove, Shift, Staff
from pos.domain.cash_moves import CashMoveAsked

MAX_MOVES = 1000  # central answers at most these (central.services.recovery.MAX_CASH_MOVES); more are not read


M = TypeVar("M", bound=Wire)


class NotTaken(Exception):
    """A move (sale, refund, shift) central named that is not recorded here; the message says why."""


def of_store(model: type[M], raw: Any, store_id: str, what: str) -> M:
    """A move, sale, refund or shift central names, as `model`, when it is of this store; NotTaken (or BadPayload)
    otherwise."""
    if not isinstance(raw, dict):
        raise NotTaken(f"not {what}")
    if raw.get("store_id") != store_id:
        raise NotTaken(f"it is of store {str(raw.get('store_id'))[:32]!r}, not {store_id}")
    return parse(model, raw)


def relearn(s: Session, store_id: str, moves: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Record central's moves the backup lacks; returns (those recorded, one line per move refused)."""
    if not isinstance(moves, list):
        return [], ["central's cash moves are not a list: none recorded"]
    recorded: list[dict[str, Any]] = []
    refused: list[str] = []
    if len(moves) > MAX_MOVES:
        refused.append(f"central named {len(moves)} cash moves: only the first {MAX_MOVES} were read")
    for raw in moves[:MAX_MOVES]:
        what = f"cash move {str(raw.get('move_id'))[:36] if isinstance(raw, dict) else '?'}"
        try:
            row = _checked(s, store_id, raw)
        except (NotTaken, BadPayload, DomainError) as e:
            refused.append(f"{what} not recorded: {e}")
            continue
        if row is not None:
            s.add(row)
            s.flush()
            recorded.append(_line(row))
    return recorded, refused


def _checked(s: Session, store_id: str, raw: Any) -> CashMove | None:
    """The move to record, None when the backup holds it already; NotTaken (or the till's refusal) otherwise."""
    p = of_store(CashMovedV2, raw, store_id, "a cash move")
    held = s.get(CashMove, p.move_id)
    if held is not None:
        if (held.till_id, held.shift_id, held.direction, held.reason, held.amount) != (
            p.till_id,
            p.shift_id,
            p.direction,
            p.reason,
            p.amount,
        ):
            raise NotTaken("the backup holds another cash move under this id")
        return None
    asked = CashMoveAsked(p.reason, p.amount, p.note)
    asked.check()  # a known reason, Rp 1 .. the limit, a note where one is needed
    if asked.direction != p.direction:
        raise NotTaken(f"{p.reason} moves cash {asked.direction}, not {p.direction}")
    if asked.needs_approval and not p.approved_by:
        raise NotTaken(f"it takes {format_money(p.amount)} out of the drawer with no manager named")
    shift = s.get(Shift, p.shift_id)
    if shift is None:
        raise NotTaken(f"shift {p.shift_id} is not in the backup (opened after it): the move stays at central")
    if shift.till_id != p.till_id or shift.state != "open":
        raise NotTaken(f"shift {p.shift_id} is of till {shift.till_id} and {shift.state} in the backup")
    for staff_id in filter(None, (p.staff_id, p.approved_by)):
        if s.get(Staff, staff_id) is None:
            raise NotTaken(f"staff {staff_id} is not in the backup")
    moved_at = parse_time(p.moved_at)
    if moved_at is None:
        raise NotTaken(f"its time {p.moved_at!r} cannot be read")
    return CashMove(
        id=p.move_id,
        shift_id=p.shift_id,
        till_id=p.till_id,
        direction=p.direction,
        reason=p.reason,
        note=p.note.strip() or None,
        amount=p.amount,
        staff_id=p.staff_id,
        approved_by=p.approved_by,
        created_at=moved_at,
    )


def _line(m: CashMove) -> dict[str, Any]:
    return {
        "id": m.id,
        "till_id": m.till_id,
        "shift_id": m.shift_id,
        "direction": m.direction,
        "reason": m.reason,
        "amount": m.amount,
        "at": m.created_at.isoformat(timespec="minutes"),
    }
