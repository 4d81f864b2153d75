"""After a backup is put back: the member on a sale central holds, and the points central booked for it or its refunds.

The store records a member sale's member in `sale_members` and the points the sale earned and its refunds took back
in `loyalty_entries` (each under the id central keeps, with the event that carried it); a reprint prints those
points, and a later refund takes back in proportion what is left of them (pos.services.loyalty_facts). An entry
brought back here names central's event, never one of this store's outbox: it is not counted as waiting for central
(the member's balance copy has it already) and nothing is sent again. Each entry must be of the sale's member and of
the kind its fact books (a sale earns, a refund reverses); one the store holds already is skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from sqlalchemy.orm import Session

from common.contract.wire import Id, Wire
from common.limits import MAX_POINTS
from pos.adapters.tables import LoyaltyEntry, SaleMember

from .restore_cash import NotTaken

VIA = "central"  # how the member came onto a sale brought back from central (the till says qr or phone)


class PointsIn(Wire):
    """A points entry as central's recovery answer says it (central.web.recovery_api.RecoveryPoints)."""

    id: Id
    member_id: Id
    kind: Literal["earn", "redeem", "reverse", "expire", "adjust"]
    points: int = Field(strict=True, ge=-MAX_POINTS, le=MAX_POINTS)
    event_id: Id


def link_member(s: Session, sale_id: str, member_id: str, at: datetime) -> None:
    """The member on a sale brought back, as the till records one (its balance at the sale is central's only)."""
    if s.get(SaleMember, sale_id) is None:
        s.add(SaleMember(sale_id=sale_id, member_id=member_id, via=VIA, attached_at=at, points_balance=None))


def checked(entries: list[PointsIn], member_id: str | None, kind: str) -> list[PointsIn]:
    """Central's points entries of a sale (`kind` earn) or of one of its refunds (reverse), each of the sale's
    member (`member_id`); NotTaken when one does not fit."""
    for e in entries:
        if e.member_id != member_id:
            raise NotTaken(f"its points entry {e.id} is of member {e.member_id}, not the sale's")
        if e.kind != kind or (kind == "earn" and e.points < 1):
            raise NotTaken(f"its points entry {e.id} is {e.kind} {e.points}: only {kind} entries are of it")
    return entries


def book(s: Session, entries: list[PointsIn], sale_id: str, refund_id: str | None, at: datetime) -> None:
    """Write the entries (checked) the store does not hold yet."""
    s.add_all(
        LoyaltyEntry(
            id=e.id,
            member_id=e.member_id,
            kind=e.kind,
            points=e.points,
            sale_id=sale_id,
            refund_id=refund_id,
            event_id=e.event_id,
            created_at=at,
        )
        for e in entries
        if s.get(LoyaltyEntry, e.id) is None
    )
