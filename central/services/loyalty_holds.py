"""Redeeming points: two-phase holds (held -> posted | released | expired by central's clock). What a store
redeems while it cannot reach central goes against an offline allowance instead (offline_allowances).

Every change to `Member.held` starts by locking the member's row (SELECT ... FOR UPDATE on PostgreSQL; SQLite
has one writer at a time), and the hold itself is a conditional UPDATE (`balance - held >= points`): two stores
asking for the same points at the same moment get one yes and one no.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import Member, PointsHold
from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound
from common.limits import MAX_POINTS

from . import loyalty, member_scope, spend_codes
from .context import CentralContext


def locked_member(s: Session, member_id: str) -> Member:
    m = s.scalar(select(Member).where(Member.id == member_id).with_for_update())
    if m is None:
        raise NotFound("unknown_member", "no such member at the central store")
    return m


def sweep(s: Session, ctx: CentralContext, member_id: str) -> int:
    """Release the member's holds whose time ran out (central's clock); the member row is locked by the caller."""
    now = ctx.clock()
    gone = list(
        s.scalars(
            select(PointsHold).where(
                PointsHold.member_id == member_id, PointsHold.state == "held", PointsHold.expires_at <= now
            )
        )
    )
    if not gone:
        return 0
    for h in gone:
        h.state, h.closed_at = "expired", now
    s.execute(update(Member).where(Member.id == member_id).values(held=Member.held - sum(h.points for h in gone)))
    s.flush()
    return len(gone)


def release_lapsed(ctx: CentralContext) -> int:
    """Sweep every member with a hold past its time (housekeeping), so `held` and the stores' view are current
    without waiting for that member's next hold; one transaction per member. Returns the holds released."""
    with ctx.db.sessions() as s:
        members = list(
            s.scalars(
                select(PointsHold.member_id)
                .where(PointsHold.state == "held", PointsHold.expires_at <= ctx.clock())
                .distinct()
            )
        )
    released = 0
    for member_id in members:
        with ctx.db.unit_of_work() as s:
            locked_member(s, member_id)
            swept = sweep(s, ctx, member_id)  # counted again under the lock: a store may have posted it meanwhile
            if swept:
                released += swept
                loyalty.publish(s, ctx, {member_id})
    return released


def hold_view(h: PointsHold, available: int | None = None) -> dict[str, Any]:
    out = {
        "hold_id": h.id,
        "member_id": h.member_id,
        "points": h.points,
        "state": h.state,
        "sale_id": h.sale_id,
        "expires_at": h.expires_at.isoformat(),
    }
    if available is not None:
        out["available"] = available
    return out


def _own_hold(s: Session, store_id: str, hold_id: str, lock: bool = False) -> PointsHold:
    stmt = select(PointsHold).where(PointsHold.id == hold_id)
    h = s.scalar(stmt.with_for_update() if lock else stmt)
    if h is None or h.store_id != store_id:  # another store's hold is as unknown as a made-up id
        raise NotFound("unknown_hold", f"hold {hold_id} not found for this store")
    return h


def hold(
    ctx: CentralContext,
    store_id: str,
    hold_id: str,
    member_id: str,
    points: int,
    sale_id: str | None = None,
    card: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """Set points aside for a sale, with the member's proof (their signed QR or one-time code); the same hold id
    again returns the same hold (a retried request)."""
    if not 1 <= points <= MAX_POINTS:
        raise DomainError("bad_points", "redeem at least 1 point")
    try:
        return _hold(ctx, store_id, hold_id, member_id, points, sale_id, card, code)
    except spend_codes.WrongCode:
        spend_codes.count_wrong(ctx, member_id)
        raise


def _hold(
    ctx: CentralContext,
    store_id: str,
    hold_id: str,
    member_id: str,
    points: int,
    sale_id: str | None,
    card: str | None,
    code: str | None,
) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        m = locked_member(s, member_id)
        same = s.get(PointsHold, hold_id)
        if same is not None:
            if same.store_id != store_id or same.member_id != member_id or same.points != points:
                raise Conflict("hold_id_taken", "this hold id is already used for another redemption")
            return hold_view(same, m.balance - m.held)
        spend_codes.require_proof(s, ctx, member_id, hold_id, card, code)
        loyalty.check_store_member(m)
        sweep(s, ctx, member_id)
        took = rowcount(
            s.execute(
                update(Member)
                .where(Member.id == member_id, Member.balance - Member.held >= points)
                .values(held=Member.held + points)
            )
        )
        s.refresh(m)
        if not took:
            raise Conflict(
                "insufficient_points",
                f"member {m.number} has {max(0, m.balance - m.held)} points to spend, not {points}",
                available=max(0, m.balance - m.held),
            )
        h = PointsHold(
            id=hold_id,
            member_id=member_id,
            store_id=store_id,
            points=points,
            state="held",
            sale_id=sale_id,
            created_at=ctx.clock(),
            expires_at=ctx.clock() + timedelta(minutes=ctx.config.loyalty.hold_minutes),
        )
        s.add(h)
        granted = member_scope.link(s, ctx, member_id, store_id)  # redeeming here: the balance follows to this store
        s.flush()
        if granted is not None:  # new here: the store's feed gets the member (and its offline allowance) now
            loyalty.publish(s, ctx, {member_id}, granted)
        return hold_view(h, m.balance - m.held)


def post_in(
    s: Session,
    ctx: CentralContext,
    store_id: str,
    hold_id: str,
    sale_id: str | None,
    entry_id: str | None = None,
    event_id: str | None = None,
) -> PointsHold:
    """Turn a hold into a `redeem` entry in the caller's transaction (idempotent for the same sale)."""
    h = _own_hold(s, store_id, hold_id)
    locked_member(s, h.member_id)
    s.refresh(h)
    if h.state == "posted":
        if sale_id and h.sale_id and h.sale_id != sale_id:
            raise Conflict("hold_used", f"hold {hold_id} was already used for another sale")
        return h
    if h.state != "held":
        raise Conflict("hold_closed", f"hold {hold_id} is {h.state}: ask for a new one")
    loyalty.add_entry(
        s,
        ctx,
        h.member_id,
        "redeem",
        -h.points,
        entry_id=entry_id,
        store_id=store_id,
        ref_id=sale_id or h.sale_id or h.id,
        event_id=event_id,
        note=f"hold {h.id}",
    )
    s.execute(update(Member).where(Member.id == h.member_id).values(held=Member.held - h.points))
    h.state, h.closed_at, h.sale_id = "posted", ctx.clock(), sale_id or h.sale_id
    s.flush()
    return h


def post(ctx: CentralContext, store_id: str, hold_id: str, sale_id: str | None = None) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        h = post_in(s, ctx, store_id, hold_id, sale_id)
        view = hold_view(h)
        loyalty.publish(s, ctx, {h.member_id})
    return view


def capture(ctx: CentralContext, store_id: str, hold_id: str, sale_id: str | None) -> dict[str, Any]:
    """A store is completing the hold's sale: the hold no longer lapses after `hold_minutes` but waits
    `captured_hold_days` for the sale's event, which posts it (a store offline for days still finds it there,
    and the points cannot be spent twice meanwhile). Refused when the hold has lapsed or was released."""
    with ctx.db.unit_of_work() as s:
        h = _own_hold(s, store_id, hold_id)
        locked_member(s, h.member_id)
        sweep(s, ctx, h.member_id)
        s.refresh(h)
        if h.state == "posted" and h.sale_id in (None, sale_id):
            return hold_view(h)  # the sale's event got here first
        if h.state != "held":
            raise Conflict("hold_closed", f"hold {hold_id} is {h.state}: ask for a new one")
        h.sale_id = sale_id or h.sale_id
        h.expires_at = max(h.expires_at, ctx.clock() + timedelta(days=ctx.config.loyalty.captured_hold_days))
        s.flush()
        return hold_view(h)


def release_in(s: Session, ctx: CentralContext, store_id: str, hold_id: str) -> PointsHold:
    h = _own_hold(s, store_id, hold_id)
    locked_member(s, h.member_id)
    s.refresh(h)
    if h.state == "posted":
        raise Conflict("hold_posted", f"hold {hold_id} is already used by a sale; refund the sale instead")
    if h.state == "held":
        s.execute(update(Member).where(Member.id == h.member_id).values(held=Member.held - h.points))
        h.state, h.closed_at = "released", ctx.clock()
        s.flush()
    return h


def release(ctx: CentralContext, store_id: str, hold_id: str) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        return hold_view(release_in(s, ctx, store_id, hold_id))


def store_holds(ctx: CentralContext, store_id: str, state: str | None = None) -> list[dict[str, Any]]:
    """A store's own holds, newest first."""
    with ctx.db.sessions() as s:
        stmt = select(PointsHold).where(PointsHold.store_id == store_id)
        if state:
            stmt = stmt.where(PointsHold.state == state)
        return [hold_view(h) for h in s.scalars(stmt.order_by(PointsHold.created_at.desc()).limit(200))]
