"""Who made a refund, who approved it and on which shift, as central keeps them (`refunds.staff_id`, `approved_by`,
`shift_id`), and who approved a sale's cashier discounts (`sales.discount_approved_by`): head office shows them, and a
store restoring a backup gets them back (recovery_sales).

The till's refund.completed names its cashier and approving manager (staff ids) and, from version 2, its shift: in
version 2 the contract checks them as ids (a malformed one refuses the event); in version 1 they ride beside the
contract's fields and are kept when they read as ids (at most 36 letters, digits, `-`, `_`), else left empty: the
refund is a fact, money went back, and is recorded all the same. The refund's shift is the one its event names when
it does (a shift of this store's till, or one central does not know); else the one shift central holds open on the refund's till as it
applies the refund: a till refunds only in an open shift, and a store's events are applied in store_seq order, so
its shift.opened came before and its shift.closed comes after. Two or none open (a shift event dead-lettered): none.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import AppliedEvent, ShiftRecord
from common.contract.names import EventType
from common.contract.sale_events import SaleCompleted, SaleCompletedV5

from .envelope import Event

_ID = re.compile(r"[A-Za-z0-9_-]{1,36}")


def an_id(value: Any) -> str | None:
    """The value when it reads as a store's id (a UUID, a staff code), else None."""
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def discount_approver(p: SaleCompleted) -> str | None:
    """The manager a version 5 sale names as approving its cashier discounts (checked by its model); an older
    version's field of that name, riding along unchecked, is not read."""
    return p.discount_approved_by if isinstance(p, SaleCompletedV5) else None


def of_refund(session: Session, ev: Event, till_id: str) -> dict[str, str | None]:
    """The refund's cashier, approving manager and shift, for its row."""
    return {
        "staff_id": an_id(ev.payload.get("staff_id")),
        "approved_by": an_id(ev.payload.get("approved_by")),
        "shift_id": _shift(session, ev, till_id, an_id(ev.payload.get("shift_id"))),
    }


def _shift(session: Session, ev: Event, till_id: str, named: str | None) -> str | None:
    store_id = ev.store_id
    if named is not None:
        row = session.get(ShiftRecord, named)
        return named if row is None or (row.store_id, row.till_id) == (store_id, till_id) else None
    a = AppliedEvent
    later = select(a.store_seq).where(
        a.store_id == store_id,
        a.store_seq > ev.store_seq,
        a.type.in_((EventType.SHIFT_OPENED, EventType.SHIFT_CLOSED)),
    )
    if session.scalar(later.limit(1)) is not None:
        return None
    open_ = session.scalars(
        select(ShiftRecord.id)
        .where(ShiftRecord.store_id == store_id, ShiftRecord.till_id == till_id, ShiftRecord.state == "open")
        .limit(2)
    ).all()
    return open_[0] if len(open_) == 1 else None
