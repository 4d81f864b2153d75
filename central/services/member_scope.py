"""Which stores get a member's balance in their feed: those where the member shopped or signed up.

A member's state is written to the feed once per linked store (topic `member`, key `<store>:<member id>`,
scoped to that store), so a balance change is delivered to the member's few stores, never to the chain; the
feed grows with members x their stores (keys), not with changes. Any other store finds a member on demand
(the QR-scan lookup) and, once the member shops there, is linked and gets the balance from then on.

A member sale links even when it earns and redeems nothing (the sale event names the member). A new link is
also when the store gets the default offline allowance ([loyalty] offline_allowance_points): only the stores a
member is linked to may redeem their points offline, never the whole chain.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import Member, MemberStore, OfflineAllowance, Store

from .context import CentralContext
from .feed import FeedChange
from .statements import insert_ignoring


@cache
def _insert_link(dialect: str) -> Any:
    return insert_ignoring(dialect, MemberStore.__table__, "member_id", "store_id")


def link(s: Session, ctx: CentralContext, member_id: str, store_id: str | None) -> list[FeedChange] | None:
    """Record that the member shopped or signed up at this store, in the caller's transaction, before it
    publishes the member (so this store is among the member's feed rows). None when they were linked already;
    for a new link, the feed changes of the default offline allowance it granted the store (maybe none)."""
    if not store_id:
        return None
    conn = s.connection()
    made = conn.execute(
        _insert_link(conn.dialect.name), {"member_id": member_id, "store_id": store_id, "linked_at": ctx.clock()}
    )
    if not made.rowcount:  # linked already (or by a transaction that committed first): nothing new
        return None
    return [allowance_change(a) for a in _default_allowance(s, ctx, member_id, store_id)]


def link_if_store(s: Session, ctx: CentralContext, member_id: str, where: str) -> list[FeedChange]:
    """A sign-up's `where` is a store id, or the online shop / a kiosk name: only a registered store links."""
    if s.scalar(select(Store.id).where(Store.id == where)) is None:
        return []
    return link(s, ctx, member_id, where) or []


def link_sale_members(
    s: Session, ctx: CentralContext, sales: list[tuple[str, str]]
) -> tuple[set[str], list[FeedChange]]:
    """(store, member) of member sales: link the members central knows that are new to their store (an
    unknown member id links nothing). The members newly linked, and the allowance changes granted."""
    wanted = {(store, member) for store, member in sales}
    if not wanted:
        return set(), []
    members = {m for _, m in wanted}
    known = set(s.scalars(select(Member.id).where(Member.id.in_(sorted(members)))))
    rows = s.execute(
        select(MemberStore.store_id, MemberStore.member_id).where(MemberStore.member_id.in_(sorted(known)))
    )
    have = {(store, member) for store, member in rows}
    linked: set[str] = set()
    changes: list[FeedChange] = []
    for store, member in sorted(wanted):  # in member order within a store: the members' lock order
        if member in known and (store, member) not in have:
            granted = link(s, ctx, member, store)
            if granted is not None:
                linked.add(member)
                changes += granted
    return linked, changes


def _default_allowance(s: Session, ctx: CentralContext, member_id: str, store_id: str) -> list[OfflineAllowance]:
    """[loyalty] offline_allowance_points for a store the member is newly linked to, unless it has one."""
    cfg = ctx.config.loyalty
    if not cfg.offline_allowance_points:
        return []
    taken = s.scalar(
        select(OfflineAllowance.id).where(
            OfflineAllowance.member_id == member_id, OfflineAllowance.store_id == store_id
        )
    )
    if taken is not None:  # the head office granted one already: theirs stands
        return []
    a = OfflineAllowance(
        id=default_allowance_id(member_id, store_id),
        member_id=member_id,
        store_id=store_id,
        used=0,
        points=cfg.offline_allowance_points,
        expires_at=ctx.clock() + timedelta(days=cfg.offline_allowance_days),
        granted_at=ctx.clock(),
    )
    s.add(a)
    s.flush()
    return [a]


def default_allowance_id(member_id: str, store_id: str) -> str:
    """The same id whenever the default allowance is granted for this member at this store: after central is
    restored from a backup that predates the grant, the store's re-pushed member sale grants it again under the id
    the store already redeemed against, so its re-pushed offline redemptions find it (a head office's own grant
    still gets a new id and starts afresh)."""
    return str(uuid.uuid5(_ALLOWANCES, f"{member_id}:{store_id}"))


_ALLOWANCES = uuid.UUID("5b0f6a3e-8c1d-4f57-9a51-0d7e2c4b9e10")  # fixed forever: changing it changes every id


def allowance_change(a: OfflineAllowance) -> FeedChange:
    """Only the store it is granted to sees an allowance."""
    return FeedChange(
        "loyalty_allowance",
        a.id,
        {
            "id": a.id,
            "member_id": a.member_id,
            "points": a.points,
            "used": a.used,
            "expires_at": a.expires_at.isoformat(),
        },
        only_store=a.store_id,
    )


def stores_of(s: Session, member_ids: set[str]) -> dict[str, list[str]]:
    """Each member's linked stores, in store order."""
    out: dict[str, list[str]] = defaultdict(list)
    if member_ids:
        rows = s.execute(
            select(MemberStore.member_id, MemberStore.store_id)
            .where(MemberStore.member_id.in_(sorted(member_ids)))
            .order_by(MemberStore.member_id, MemberStore.store_id)
        )
        for member_id, store_id in rows:
            out[member_id].append(store_id)
    return out


def feed_key(store_id: str, member_id: str) -> str:
    return f"{store_id}:{member_id}"


def member_of(s: Session, store_id: str, member_id: str) -> bool:
    """Is this member linked to this store (its feed carries them)?"""
    found = s.scalar(
        select(MemberStore.store_id).where(MemberStore.member_id == member_id, MemberStore.store_id == store_id)
    )
    return found is not None
