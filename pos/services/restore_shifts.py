"""After a backup is put back: the shifts closed at central after the backup, closed here too with central's Z.

A shift the backup holds open may have been closed at its till afterwards (the drawer counted, the Z printed and
synced). Left open, the till would carry on in a shift its cashier already closed and counted, and the manager's
shifts page would show it open with running figures. Central names each shift of this store its events closed after
the backup, with the Z the till's `shift.closed` said (central.services.recovery_shifts); the restore closes the
matching shift here as the till's close wrote it (shifts.close_shift): state closed, the Z's time, expected and
counted cash, the Z kept as the till keeps it (only the fields a Z has), the shift's sales still open or parked
voided, and no outbox event (central has it). A shift the restore brought back as closed at central
(restore_sales) gets its Z the same way. The till then opens a new shift, with its float, as after any Z.

Central's answer is trusted only as far as it is consistent: a shift must be of this store and of a till it has,
one the backup holds (or a sale brought back) on that till, with the same opening float, and its Z must be of that
shift and till, with figures that are whole Rupiah in range and a variance that is counted less expected, taken no
earlier than it was opened or than its last sale. A shift the backup holds closed with the same Z is skipped (a
restore run twice closes nothing twice); with another Z, it is left as the backup has it. Any other is left out
with a line saying why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from common.contract.sale_events import ShiftClosed
from common.contract.wire import BadPayload, Id
from common.errors import DomainError
from common.limits import MAX_AMOUNT
from common.money import format_money
from common.timestamps import parse_time
from pos.adapters.tables import Sale, Shift

from .restore_cash import NotTaken, of_store
from .restore_sales import to_read

MAX_SHIFTS = 500  # central names at most these (central.services.recovery_shifts.MAX_SHIFTS)

Money = Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
Signed = Annotated[int, Field(strict=True, ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
Count = Annotated[int, Field(strict=True, ge=0, le=10**9)]
Key = Annotated[str, Field(min_length=1, max_length=32)]
Time = Annotated[str, Field(min_length=1, max_length=40)]


class _Figures(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Refunds(_Figures):
    count: Count = 0
    total: Money = 0
    by_tender: dict[Key, Money] = Field(default_factory=dict, max_length=32)


class _Moved(_Figures):
    in_: dict[Key, Money] = Field(default_factory=dict, max_length=32, alias="in")
    out: dict[Key, Money] = Field(default_factory=dict, max_length=32)


class _Z(_Figures):
    """The Z as the till's close wrote it (shifts.close_shift); what else central's copy holds is not kept."""

    kind: Literal["Z"]
    shift_id: Id
    till_id: str = Field(max_length=16)
    opened_at: Time
    closed_at: Time
    sales_count: Count = 0
    sales_total: Money = 0
    discounts: Money = 0
    tax: Money = 0
    rounding: Signed = 0
    tenders: dict[Key, Signed] = Field(default_factory=dict, max_length=32)
    refunds: _Refunds = Field(default_factory=_Refunds)
    voided_sales: Count = 0
    opening_float: Money
    cash_out: Money = 0
    cash_in: Money = 0
    cash_moved: _Moved = Field(default_factory=_Moved)
    expected_cash: Signed
    counted_cash: Money
    variance: Signed


class _Closed(ShiftClosed):
    """A shift as central's recovery answer says it (central.web.recovery_api.RecoveryShift): the figures central
    keeps of it (each must be its Z's, whose figures are checked in range) and the Z."""

    store_id: str
    report: _Z | None = None


@dataclass
class Relearned:
    shifts: list[dict[str, Any]] = field(default_factory=list)  # each closed here: its till, Z time and drawer
    refused: list[str] = field(default_factory=list)  # one line per shift left out, saying why


def relearn(s: Session, store_id: str, closed: Any, tills: set[str], made: dict[str, Shift], more: Any) -> Relearned:
    """Close here the shifts central names closed after the backup; `made`: those restore_sales brought back."""
    out = Relearned()
    unread = "they stay open here: close each at its till"
    for raw in to_read(closed, MAX_SHIFTS, bool(more), "shifts closed", unread, out.refused):
        what = f"shift {str(raw.get('shift_id'))[:36] if isinstance(raw, dict) else '?'}"
        try:
            done = _close(s, of_store(_Closed, raw, store_id, "a shift"), tills, made)  # one named twice: closed once
        except (NotTaken, BadPayload, DomainError) as e:
            out.refused.append(f"{what} not closed: {e}")
            continue
        if done is not None:
            out.shifts.append(done)
    return out


def _close(s: Session, p: _Closed, tills: set[str], made: dict[str, Shift]) -> dict[str, Any] | None:
    """Check the shift and its Z and close it; None when the backup holds it closed with this Z already."""
    z = _z_of(p)
    if p.till_id not in tills:
        raise NotTaken(f"till {p.till_id!r} is not one of this store's")
    shift = made.get(p.shift_id) or s.get(Shift, p.shift_id)
    if shift is None:
        raise NotTaken("the backup has no such shift, and no sale brought it back")
    if shift.till_id != p.till_id:
        raise NotTaken(f"it is of till {shift.till_id} in the backup, not {p.till_id}")
    if shift.opening_float != z.opening_float:
        raise NotTaken(
            f"its Z opened with {format_money(z.opening_float)}, the shift with {format_money(shift.opening_float)}"
        )
    if shift.state == "closed" and shift.report_json is not None:
        if _drawer(json.loads(shift.report_json)) == _drawer(z.model_dump()):
            return None  # a restore run before closed it (or the backup was taken after the Z)
        raise NotTaken(f"the backup holds it closed with another Z (counted {format_money(shift.counted_cash or 0)})")
    opened, at = parse_time(z.opened_at), parse_time(z.closed_at)
    if opened is None or at is None:
        raise NotTaken(f"its Z's times {z.opened_at!r}, {z.closed_at!r} cannot be read")
    last = s.scalar(select(func.max(Sale.completed_at)).where(Sale.shift_id == shift.id, Sale.state == "completed"))
    since = opened if shift.id in made else shift.opened_at
    if at < since or (last is not None and at < last):
        raise NotTaken(f"its Z was taken at {at.isoformat(timespec='minutes')}, before the shift's last sale or start")
    open_sales = Sale.shift_id == shift.id, Sale.state.in_(("open", "parked"))
    s.execute(update(Sale).where(*open_sales).values(state="voided"))  # as the till's close voids them
    if shift.id in made:
        shift.opened_at = min(shift.opened_at, opened)
    shift.state, shift.closed_at, shift.closed_by = "closed", at, None  # who closed it: the Z does not say
    shift.expected_cash, shift.counted_cash = z.expected_cash, z.counted_cash
    shift.report_json = json.dumps(z.model_dump(by_alias=True))
    s.flush()
    return {
        "shift_id": shift.id,
        "till_id": shift.till_id,
        "closed_at": at.isoformat(timespec="minutes"),
        "expected_cash": z.expected_cash,
        "counted_cash": z.counted_cash,
        "variance": z.variance,
        "brought_back": shift.id in made,
    }


def _z_of(p: _Closed) -> _Z:
    """The shift's Z, of this shift and till, agreeing with the figures central keeps beside it."""
    z = p.report
    if z is None:
        raise NotTaken("central keeps no Z of it")
    if (z.shift_id, z.till_id) != (p.shift_id, p.till_id):
        raise NotTaken(f"its Z is of shift {z.shift_id} on till {z.till_id}")
    if z.variance != z.counted_cash - z.expected_cash:
        raise NotTaken(
            f"its Z counted {format_money(z.counted_cash)} against {format_money(z.expected_cash)} expected, "
            f"a variance of {format_money(z.counted_cash - z.expected_cash)}, not {format_money(z.variance)}"
        )
    kept = (p.opening_float, p.expected_cash, p.counted_cash, p.variance)
    if kept != (z.opening_float, z.expected_cash, z.counted_cash, z.variance):
        raise NotTaken("its Z's float and drawer are not the figures central keeps of the shift")
    return z


def _drawer(report: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(report.get(k) for k in ("closed_at", "expected_cash", "counted_cash", "variance"))
