"""Points expiry at central: earned points not spent within [loyalty] expire_after_days become "expire" entries.

The rule is FIFO and needs no per-entry bookkeeping: spending uses the oldest points first, so for a member

    expired = max(0, earned before the cutoff - (redeemed + reversed + expired so far))

where the second term is the net of all redeem, reverse and expire entries (they are negative; a positive
reverse, points given back by a refund, counts as not spent). Adjustments never expire and are not counted.
What expires is capped at the points the member can spend now (balance - held), so expiry never puts a member
into debt nor takes points an open hold has set aside. Running it again expires nothing more: the expire
entries it wrote count as used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from central.tables import Member, PointsEntry

from . import loyalty
from .context import CentralContext


@dataclass(frozen=True)
class ExpiryResult:
    members: int  # members who lost points in this run
    points: int  # points expired in this run (a positive number)
    cutoff: datetime | None  # earned before this expired; None = expiry is off


def _due(s: Session, cutoff: datetime, member_id: str | None = None) -> dict[str, int]:
    """member id -> points due to expire (before the balance cap), for members with any earned before cutoff."""
    old_earned = func.sum(
        case(((PointsEntry.kind == "earn") & (PointsEntry.created_at < cutoff), PointsEntry.points), else_=0)
    )
    used = -func.sum(case((PointsEntry.kind.in_(("redeem", "reverse", "expire")), PointsEntry.points), else_=0))
    stmt = select(PointsEntry.member_id, old_earned, used).group_by(PointsEntry.member_id).having(old_earned > 0)
    if member_id is not None:
        stmt = stmt.where(PointsEntry.member_id == member_id)
    return {mid: int(earned) - int(spent) for mid, earned, spent in s.execute(stmt) if int(earned) - int(spent) > 0}


def expire_points(ctx: CentralContext) -> ExpiryResult:
    """Write the expire entries due now; one transaction per member (its row locked), each sent to the stores."""
    days = ctx.config.loyalty.expire_after_days
    if days <= 0:
        return ExpiryResult(0, 0, None)
    now = ctx.clock()
    cutoff = now - timedelta(days=days)
    with ctx.db.sessions() as s:
        candidates = list(_due(s, cutoff))
    members = points = 0
    for member_id in candidates:
        with ctx.db.unit_of_work() as s:
            m = s.scalar(select(Member).where(Member.id == member_id).with_for_update())
            if m is None:
                continue
            # counted again under the lock: a redemption or another run may have come in between
            due = min(_due(s, cutoff, member_id).get(member_id, 0), max(0, m.balance - m.held))
            if due <= 0:
                continue
            loyalty.add_entry(
                s,
                ctx,
                member_id,
                "expire",
                -due,
                note=f"earned before {cutoff.date().isoformat()}, not spent within {days} days",
            )
            loyalty.publish(s, ctx, {member_id})
        members += 1
        points += due
    return ExpiryResult(members, points, cutoff)
