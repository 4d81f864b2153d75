"""A store's starting point: a snapshot of what its feed holds for it, paged, then the feed from the cursor it names.

A new store (cursor 0) and a store re-pulling after a new epoch do not read the history of every change: they read
the compacted feed rows meant for them (the catalog, prices, promotions and rules; their own rows: tasks, dead
letters, carts, allowances, their members' balances; their neighbours' and the online shop's stock), at most one
page in memory at a time, and then pull from the cursor the snapshot names.

Nothing is missed in between: the snapshot names the feed head `at` on its first page and its pages read only
rows numbered at or below it; a key written while the store pages is renumbered above `at` (the feed is compacted:
a rewrite moves the row), so the store gets it from the feed afterwards, with its newest state. A row already
read and rewritten later simply arrives twice, and changes are states: the second copy wins.

Pages walk the store's scopes one after another (global, own, each neighbour), each one an index range scan on
changes (scope, seq) from the position the previous page ended at: the page token is (part, after), and the
scopes are worked out again from the store's own token on every page, so a token cannot reach another store's.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from central.tables import Change, Store
from common.errors import Conflict, DomainError

from . import feed, pull, stores
from .context import CentralContext


class StaleSnapshot(Conflict):
    """The central store's epoch changed (a restore) while the store paged: start the snapshot again."""


def scopes(s: Session, ctx: CentralContext, store_id: str) -> list[str | None]:
    """The scopes a store's snapshot walks, in a fixed order: global, its own, then its neighbours by code."""
    return [None, store_id, *sorted(a for a in stores.audience(s, ctx, store_id) if a != store_id)]


def part_statement(store_id: str, scope: str | None, after: int, at: int, limit: int) -> Any:
    """One scope's rows after `after` up to the snapshot's head, by seq: a range scan on (scope, seq)."""
    return (
        select(Change.seq, Change.topic, Change.key, Change.data)
        .where(
            Change.scope.is_(None) if scope is None else Change.scope == scope,
            Change.seq > after,
            Change.seq <= at,
            or_(Change.skip_store.is_(None), Change.skip_store != store_id),
            or_(Change.only_store.is_(None), Change.only_store == store_id),
        )
        .order_by(Change.seq)
        .limit(limit)
    )


def _freshen(ctx: CentralContext, store_id: str) -> None:
    """What a pull does first: figures a crashed push left unpublished, and pending changes numbered."""
    pull.catch_up(ctx, store_id, pull.probe(ctx, store_id))


def page(
    ctx: CentralContext,
    store_id: str,
    limit: int,
    epoch: str | None = None,
    at: int | None = None,
    part: int = 0,
    after: int = 0,
) -> dict[str, Any]:
    """One page of the store's snapshot; the first (no `at`) names the feed head the snapshot stands at.

    The answer has the shape of a pull page, so the agent applies it the same way: `cursor` is 0 until the last
    page and `at` on it (a crash half-way leaves the store at 0 and it takes the snapshot again), `next_part` and
    `next_after` say where the next page starts.
    """
    limit = max(1, min(limit, ctx.config.sync.pull_page_max))
    if at is None:
        _freshen(ctx, store_id)
    elif epoch is None:
        raise DomainError("snapshot_epoch", "a snapshot page after the first names the epoch of its first page")
    with ctx.db.sessions() as s:
        now_epoch, top = feed.head(s)
        if at is None:
            at, part, after = top, 0, 0
        elif epoch != now_epoch:
            raise StaleSnapshot(
                "snapshot_stale", "the central store was restored (new epoch): start the snapshot again"
            )
        elif at > top:
            raise DomainError("snapshot_ahead", f"the feed head is {top}; a snapshot cannot stand at {at}")
        walk = scopes(s, ctx, store_id)
        rows: list[Any] = []
        while part < len(walk) and len(rows) < limit:
            got = s.execute(part_statement(store_id, walk[part], after, at, limit - len(rows))).all()
            rows += got
            if len(rows) < limit:
                part, after = part + 1, 0  # this scope is done
            else:
                after = got[-1].seq if got else after
        last = s.scalar(select(Store.last_seq).where(Store.id == store_id))
    more = part < len(walk)
    return {
        "epoch": now_epoch,
        "at": at,
        "cursor": 0 if more else at,
        "head": at,
        "more": more,
        "next_part": part,
        "next_after": after,
        "store_seq": int(last or 0),
        "changes": [{"seq": r.seq, "topic": r.topic, "key": r.key, "data": json.loads(r.data)} for r in rows],
    }
