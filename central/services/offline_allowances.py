"""Offline allowances: the points central lets a store redeem for a member while the store cannot reach it,
granted in advance, and the redemptions stores made offline, booked and checked against them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import Alert, OfflineAllowance, Store
from central.tables.base import new_id
from common.errors import DomainError, NotFound
from common.limits import MAX_POINTS

from . import loyalty, member_scope
from .context import CentralContext
from .loyalty_holds import locked_member

OFFLINE_NOTE = "offline"  # the note of a redemption a store made offline (the admin's debts page sums these)


def grant_allowance(
    ctx: CentralContext, member_id: str, store_id: str, points: int | None = None, days: int | None = None
) -> dict[str, Any]:
    """Let `store_id` redeem up to `points` of this member's points while offline, until the expiry."""
    cfg = ctx.config.loyalty
    points = cfg.offline_allowance_points if points is None else points
    if not 0 <= points <= MAX_POINTS:
        raise DomainError("bad_points", "an allowance is 0 or more points")
    until = ctx.clock() + timedelta(days=days or cfg.offline_allowance_days)
    with ctx.db.unit_of_work() as s:
        locked_member(s, member_id)
        if s.get(Store, store_id) is None:
            raise NotFound("unknown_store", f"store {store_id} is not registered at the central store")
        # Allowances go only to the member's stores: a grant elsewhere links them there (the store needs the
        # balance to redeem against); the default allowance a new link brings is replaced by this grant below.
        linked = member_scope.link(s, ctx, member_id, store_id)
        a = s.scalar(
            select(OfflineAllowance).where(
                OfflineAllowance.member_id == member_id, OfflineAllowance.store_id == store_id
            )
        )
        if a is not None:  # a new grant starts afresh, under a new id: what was used so far is in the ledger
            s.delete(a)
            s.flush()
        a = OfflineAllowance(
            id=new_id(),
            member_id=member_id,
            store_id=store_id,
            used=0,
            granted_at=ctx.clock(),
            points=points,
            expires_at=until,
        )
        s.add(a)
        s.flush()
        view = {
            "id": a.id,
            "member_id": member_id,
            "store_id": store_id,
            "points": a.points,
            "expires_at": a.expires_at.isoformat(),
        }
        loyalty.publish(s, ctx, set() if linked is None else {member_id}, [member_scope.allowance_change(a)])
    return view


def redeem_offline_in(
    s: Session,
    ctx: CentralContext,
    store_id: str,
    member_id: str,
    points: int,
    allowance_id: str | None,
    entry_id: str,
    sale_id: str,
    event_id: str,
    at: datetime | None,
) -> OfflineAllowance | None:
    """Points a store gave while offline: always booked (the shopper has the goods), checked against the
    allowance, and an alert when the store went beyond it. A balance below zero is the member's debt."""
    locked_member(s, member_id)
    loyalty.add_entry(
        s,
        ctx,
        member_id,
        "redeem",
        -points,
        entry_id=entry_id,
        store_id=store_id,
        ref_id=sale_id,
        event_id=event_id,
        note=OFFLINE_NOTE,
    )
    a = s.get(OfflineAllowance, allowance_id) if allowance_id else None
    problem = None
    if a is None or a.store_id != store_id or a.member_id != member_id:
        problem = f"store {store_id} redeemed {points} points offline without an allowance for this member"
    else:
        a.used += points
        if a.used > a.points:
            problem = f"store {store_id} redeemed {a.used} points offline; its allowance was {a.points}"
        elif at is not None and at > a.expires_at:
            problem = f"store {store_id} redeemed offline on {at:%d/%m/%Y} after its allowance expired"
    if problem:
        s.add(
            Alert(
                id=new_id(),
                store_id=store_id,
                kind="allowance_exceeded",
                event_id=event_id,
                message=problem,
                created_at=ctx.clock(),
            )
        )
    s.flush()
    return a if problem is None or (a is not None and a.store_id == store_id) else None
