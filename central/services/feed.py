"""The change feed: writers append the latest state of a key; stores pull pages from a cursor."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from central.tables import CentralMeta, Change

from . import statements
from .context import CentralContext


@dataclass(frozen=True)
class FeedChange:
    topic: str
    key: str
    data: dict[str, Any]
    skip_store: str | None = None
    only_store: str | None = None


def append(session: Session, ctx: CentralContext, changes: list[FeedChange]) -> None:
    """Number the changes and upsert them; call LAST in a transaction (the meta row lock orders commits)."""
    latest = {(c.topic, c.key): c for c in changes}  # one row per key: a multi-row upsert may not hit a row twice
    if not latest:
        return
    conn = session.connection()
    top = conn.execute(statements.bump_feed_seq(), {"b_n": len(latest)}).scalar_one()
    now = ctx.clock()
    rows = [{"topic": c.topic, "key": c.key, "seq": top - len(latest) + i + 1,
             "skip_store": c.skip_store, "only_store": c.only_store,
             "data": json.dumps(c.data, separators=(",", ":"), ensure_ascii=False, default=str), "changed_at": now}
            for i, c in enumerate(latest.values())]
    conn.execute(statements.upsert_change(conn.dialect.name), rows)


def head(session: Session) -> tuple[str, int]:
    epoch, seq = session.execute(select(CentralMeta.epoch, CentralMeta.feed_seq).where(CentralMeta.id == 1)).one()
    return epoch, int(seq)


def page(session: Session, store_id: str, cursor: int, limit: int) -> dict[str, Any]:
    """Changes after `cursor` meant for this store, oldest first.

    The head is read first and rows are taken only up to it: every change numbered up to the head had
    committed when the head was read, so the next cursor never jumps over a change still committing.
    """
    epoch, top = head(session)
    rows = session.execute(
        select(Change.seq, Change.topic, Change.key, Change.data)
        .where(Change.seq > cursor, Change.seq <= top,
               or_(Change.skip_store.is_(None), Change.skip_store != store_id),
               or_(Change.only_store.is_(None), Change.only_store == store_id))
        .order_by(Change.seq).limit(limit)
    ).all()
    more = len(rows) == limit and rows[-1].seq < top
    next_cursor = rows[-1].seq if more else top  # cursor > top (a restored central) is the agent's to notice
    return {
        "epoch": epoch, "cursor": next_cursor, "head": top, "more": more,
        "changes": [{"seq": r.seq, "topic": r.topic, "key": r.key, "data": json.loads(r.data)} for r in rows],
    }
