"""Which stores get a member's balance in their feed: those where the member shopped or signed up.

A member's state is written to the feed once per linked store (topic `member`, key `<store>:<member id>`,
scoped to that store), so a balance change is delivered to the member's few stores, never to the chain; the
feed grows with members x their stores (keys), not with changes. Any other store finds a member on demand
(the QR-scan lookup) and, once the member shops there, is linked and gets the balance from then on.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from central.tables import MemberStore, Store

from .context import CentralContext


@cache
def _insert_link(dialect: str) -> Any:
    table: Any = MemberStore.__table__
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return ins.on_conflict_do_nothing(index_elements=["member_id", "store_id"])


def link(s: Session, ctx: CentralContext, member_id: str, store_id: str | None) -> None:
    """Record that the member shopped or signed up at this store (a repeat does nothing); the caller's
    transaction, before it publishes the member (so this store is among the member's feed rows)."""
    if not store_id:
        return
    conn = s.connection()
    conn.execute(
        _insert_link(conn.dialect.name), {"member_id": member_id, "store_id": store_id, "linked_at": ctx.clock()}
    )


def link_if_store(s: Session, ctx: CentralContext, member_id: str, where: str) -> None:
    """A sign-up's `where` is a store id, or the online shop / a kiosk name: only a registered store links."""
    if s.scalar(select(Store.id).where(Store.id == where)) is not None:
        link(s, ctx, member_id, where)


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
