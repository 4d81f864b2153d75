"""The change feed: writers append the latest state of a key; a sequencer numbers it; stores pull pages.

Numbering is apart from writing, so no writer waits on a shared counter row:
- A writer upserts its keys with `seq` NULL (pending), in (topic, key) order, as the last step of its own
  transaction. It never touches `central_meta`.
- `sequence` numbers pending rows that have committed: it locks the one `central_meta` row (only sequencers
  do; on PostgreSQL a second sequencer skips instead of waiting), takes pending rows with FOR UPDATE SKIP
  LOCKED (a row a writer is rewriting right now waits for the next run), gives them head+1.. and moves the
  head, all in one transaction.
- A reader reads the head first, then rows with cursor < seq <= head. Every number up to the head was given
  by a sequencer transaction that had committed when the head was read, and numbers only ever go to
  committed rows, above the head: so no change ever commits below a cursor already served.
A key written again goes back to pending and gets a new, higher number: a late puller gets it once.

Lock order (every path of the central store; a path takes only the ones it needs, in this order):
  1. stores row (push: claiming the next store_seq)
  2. online_carts row (cart claims and checkouts); transfers row (a stock transfer's step)
  3. members rows, by id (points holds, earn, redeem, expiry)
  4. points_holds rows
  5. stock_levels rows, by (location, sku)
  6. reconciliation_items rows
  7. changes rows, by (topic, key) (`append`, the last write of a transaction)
  8. central_meta row (sequencers only; never held while waiting for 1-7: SKIP LOCKED)
docs/locking.md says why, and what a deadlock that escapes this order turns into (retried, then 503).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, bindparam, or_, select, union_all
from sqlalchemy.orm import Session

from central.tables import CentralMeta, Change

from . import statements
from .context import CentralContext
from .retry import retrying

SEQUENCE_BATCH = 5000  # rows numbered per sequencer transaction


@dataclass(frozen=True)
class FeedChange:
    topic: str
    key: str
    data: dict[str, Any]
    skip_store: str | None = None
    only_store: str | None = None
    scope: str | None = None  # a location: only stores with it among their neighbours get it (see page)


def append(session: Session, ctx: CentralContext, changes: list[FeedChange]) -> None:
    """Upsert the changes as pending, in key order; call LAST in a transaction (it locks the change rows)."""
    latest = {(c.topic, c.key): c for c in changes}  # one row per key: a multi-row upsert may not hit a row twice
    if not latest:
        return
    conn = session.connection()
    now = ctx.clock()
    rows = [
        {
            "topic": c.topic,
            "key": c.key,
            "seq": None,
            "skip_store": c.skip_store,
            "only_store": c.only_store,
            "scope": c.scope or c.only_store,
            "data": json.dumps(c.data, separators=(",", ":"), ensure_ascii=False, default=str),
            "changed_at": now,
        }
        for _, c in sorted(latest.items())
    ]
    dialect = conn.dialect.name
    conn.execute(
        statements.upsert_change(dialect),
        statements.as_json(rows) if dialect == "postgresql" else rows,
    )


def pending(ctx: CentralContext) -> bool:
    """Is anything waiting for a number? One index probe, no lock."""
    with ctx.db.sessions() as s:
        return s.execute(statements.any_pending_change()).first() is not None


def sequence(ctx: CentralContext) -> int:
    """Number every committed pending change (in batches); returns how many. Another sequencer busy: 0."""
    total = 0
    while True:
        done = retrying(_sequence_batch, ctx)
        total += max(done, 0)
        if done < SEQUENCE_BATCH:
            return total


def _sequence_batch(ctx: CentralContext) -> int:
    with ctx.db.unit_of_work() as s:
        conn = s.connection()
        head = conn.execute(statements.lock_feed_head()).scalar()
        if head is None:
            return -1  # another sequencer holds the head: it numbers what is pending
        head = int(head)
        if conn.dialect.name == "postgresql":  # take and number in one statement, in the same order
            done = conn.execute(statements.number_pending_changes(), {"b_head": head, "b_n": SEQUENCE_BATCH}).rowcount
        else:
            keys = conn.execute(statements.take_pending_changes(), {"b_n": SEQUENCE_BATCH}).all()
            if not keys:
                return 0
            conn.execute(
                statements.number_change(),
                [{"b_topic": topic, "b_key": key, "b_seq": head + i + 1} for i, (topic, key) in enumerate(keys)],
            )
            done = len(keys)
        if done:
            conn.execute(statements.set_feed_head(), {"b_head": head + done})
        return done


def head(session: Session) -> tuple[str, int]:
    epoch, seq = session.execute(select(CentralMeta.epoch, CentralMeta.feed_seq).where(CentralMeta.id == 1)).one()
    return epoch, int(seq)


def page_statement(store_id: str, cursor: int, top: int, limit: int, audience: list[str]) -> Any:
    """One ordered index range scan per scope (global, the store's own, each neighbour's), merged by seq; its
    values bound (`page_query` gives the cached statement and its values apart: what a pull runs)."""
    template, values = page_query(store_id, cursor, top, limit, audience)
    return template.params(values)


def page_query(store_id: str, cursor: int, top: int, limit: int, audience: list[str]) -> tuple[Any, dict[str, Any]]:
    """`page_statement` as a statement built once per number of neighbours, and the values to run it with:
    building the union of selects anew was most of the CPU of a pull that finds changes."""
    scopes = [store_id, *(a for a in audience if a != store_id)]
    values: dict[str, Any] = {"b_store": store_id, "b_cursor": cursor, "b_top": top, "b_limit": limit}
    values.update({f"b_scope_{i}": scope for i, scope in enumerate(scopes)})
    return _page_template(len(scopes)), values


@cache
def _page_template(scopes: int) -> Any:
    """The global rows (scope NULL), then the parts of scopes b_scope_0 (the store's own) .. b_scope_<n-1>."""
    store = bindparam("b_store", type_=String)
    parts = [
        select(Change.seq, Change.topic, Change.key, Change.data)
        .where(
            Change.scope.is_(None) if i < 0 else Change.scope == bindparam(f"b_scope_{i}"),
            Change.seq > bindparam("b_cursor"),
            Change.seq <= bindparam("b_top"),
            or_(Change.skip_store.is_(None), Change.skip_store != store),
            or_(Change.only_store.is_(None), Change.only_store == store),
        )
        .order_by(Change.seq)
        .limit(bindparam("b_limit", type_=Integer))
        .subquery()
        .select()
        for i in range(-1, scopes)
    ]
    merged = union_all(*parts).subquery()
    return select(merged).order_by(merged.c.seq).limit(bindparam("b_limit", type_=Integer))


def page(session: Session, store_id: str, cursor: int, limit: int, audience: list[str] | None = None) -> dict[str, Any]:
    """Changes after `cursor` meant for this store, oldest first, up to the head read first (see above).

    A store gets the global rows (scope NULL: catalog, prices, promotions, rules) and the rows of its audience:
    its own scope (its tasks, dead letters) and its neighbours' stock. One index range scan on (scope, seq)
    per scope, merged: the plan does not depend on planner statistics, and rows of the rest of the chain are
    never read.
    """
    epoch, top = head(session)
    statement, values = page_query(store_id, cursor, top, limit, audience or [])
    return page_of(session.execute(statement, values).all(), epoch, top, limit)


def page_of(rows: Sequence[Any], epoch: str, top: int, limit: int) -> dict[str, Any]:
    """The page answer for rows read by `page_statement` up to the head `top`."""
    more = len(rows) == limit and rows[-1].seq < top
    next_cursor = rows[-1].seq if more else top  # cursor > top (a restored central) is the agent's to notice
    return {
        "epoch": epoch,
        "cursor": next_cursor,
        "head": top,
        "more": more,
        "changes": [{"seq": r.seq, "topic": r.topic, "key": r.key, "data": json.loads(r.data)} for r in rows],
    }
