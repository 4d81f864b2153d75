"""Posting movements to the central stock ledger; a location below zero raises a reconciliation item."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import Location, Product, ReconciliationItem, StockEntry, StockLevel
from central.tables.base import new_id

from . import statements
from .context import CentralContext
from .feed import FeedChange, append
from .payloads import Rejection
from .retry import retrying
from .stores import ONLINE, audience


@dataclass(frozen=True)
class Movement:
    id: str
    sku: str
    qty: int
    kind: str
    ref_id: str | None = None


def require_skus(session: Session, ctx: CentralContext, skus: set[str]) -> None:
    """Every SKU moved is in the central catalog (a cache of the known ones saves the query)."""
    unknown = skus - ctx.known_skus
    if not unknown:
        return
    found = set(session.scalars(select(Product.sku).where(Product.sku.in_(unknown))))
    ctx.known_skus.update(found)
    missing = sorted(unknown - found)
    if missing:
        raise Rejection("unknown_sku", f"SKU {', '.join(missing[:5])} is not in the central catalog")


@overload
def location_name(session: Session, ctx: CentralContext, code: str) -> str: ...
@overload
def location_name(session: Session, ctx: CentralContext, code: str | None) -> str | None: ...
def location_name(session: Session, ctx: CentralContext, code: str | None) -> str | None:
    """Read each time (one primary-key probe per publish or view): a rename shows in every worker at once.
    No code (a cart no store holds) has no name."""
    if code is None:
        return None
    return session.scalar(select(Location.name).where(Location.code == code)) or code


def post(
    session: Session, ctx: CentralContext, location: str, moves: list[Movement], event_id: str | None = None
) -> list[FeedChange]:
    """Ledger entries and levels in the caller's transaction; returns reconciliation tasks for the feed.

    The new levels are marked pending and reach the feed through `publish`, once per batch of events. Inside
    `deferred(session)` (a push's run of events) the movements are only collected, and `post_deferred` posts
    all of them at the end of the transaction with one insert and one upsert.
    """
    pending = session.info.get(_DEFERRED)
    if pending is not None:
        pending.append((location, moves, event_id))
        return []
    return post_many(session, ctx, [(location, moves, event_id)])


Posting = tuple[str, list[Movement], str | None]  # (location, movements, event id): one event's movements
_DEFERRED = "omnitoko_deferred_stock"


@contextmanager
def deferred(session: Session) -> Iterator[list[Posting]]:
    """Collect the `post` calls made inside (in order) instead of writing them; `post_many` them after."""
    collected: list[Posting] = []
    session.info[_DEFERRED] = collected
    try:
        yield collected
    finally:
        session.info.pop(_DEFERRED, None)


def post_many(session: Session, ctx: CentralContext, postings: list[Posting]) -> list[FeedChange]:
    """Several events' movements, in event order: one multi-row insert of the ledger entries, one multi-row
    upsert of the levels (summed per location and SKU, in that order: the lock order of stock rows); a location
    that an event takes below zero raises the same reconciliation task as posting the events one by one would."""
    postings = [(loc, kept, ev) for loc, moves, ev in postings if (kept := [m for m in moves if m.qty])]
    if not postings:
        return []
    conn, now = session.connection(), ctx.clock()
    statements.insert_rows(
        conn,
        StockEntry.__table__,
        [
            {
                "id": m.id,
                "location": location,
                "sku": m.sku,
                "qty": m.qty,
                "kind": m.kind,
                "ref_id": m.ref_id,
                "event_id": event_id,
                "recorded_at": now,
            }
            for location, moves, event_id in postings
            for m in moves
        ],
    )
    deltas: list[dict[str, int]] = []
    total: dict[tuple[str, str], int] = defaultdict(int)
    for location, moves, _ in postings:
        delta: dict[str, int] = defaultdict(int)
        for m in moves:
            delta[m.sku] += m.qty
            total[(location, m.sku)] += m.qty
        deltas.append(delta)
    levels = [
        {"location": loc, "sku": sku, "on_hand": qty, "updated_at": now, "feed_pending": True}
        for (loc, sku), qty in sorted(total.items())
    ]
    # One cached statement: on PostgreSQL the rows as one JSON parameter (statements.json_rows), elsewhere an
    # executemany.
    dialect = conn.dialect.name
    on_hand = {
        (loc, sku): int(qty)
        for loc, sku, qty in conn.execute(
            statements.add_to_level(dialect),
            statements.as_json(levels) if dialect == "postgresql" else levels,
        )
    }
    # Walk the events in order from the level before the first: each one's own figure after it.
    running = {key: on_hand[key] - qty for key, qty in total.items()}
    out = []
    for (location, moves, _), delta in zip(postings, deltas, strict=True):
        for sku, qty in sorted(delta.items()):
            running[(location, sku)] += qty
            if running[(location, sku)] < 0 and qty < 0:
                out.append(_below_zero(session, ctx, location, sku, running[(location, sku)], moves[0].ref_id))
    return out


def publish(session: Session, ctx: CentralContext, location: str) -> list[FeedChange]:
    """The location's changed stock figures, for the feed (other stores see them; not the location itself)."""
    conn = session.connection()
    rows = conn.execute(statements.lock_pending_levels(), {"b_location": location}).all()
    if not rows:
        return []
    conn.execute(statements.clear_pending_levels(), {"b_location": location, "b_skus": [r.sku for r in rows]})
    name = location_name(session, ctx, location)
    return [
        FeedChange(
            "stock",
            f"{location}:{sku}",
            {
                "location": location,
                "name": name,
                "sku": sku,
                "on_hand": int(qty),
                "as_of": (at or ctx.clock()).isoformat(),
            },
            skip_store=location,
            scope=None if location == ONLINE else location,
        )
        for sku, qty, at in rows
    ]


def _below_zero(
    session: Session, ctx: CentralContext, location: str, sku: str, on_hand: int, ref_id: str | None
) -> FeedChange:
    """Sold below zero (offline, say): one open item per location and SKU, counting how often it happened."""
    item = session.scalar(
        select(ReconciliationItem).where(
            ReconciliationItem.kind == "below_zero",
            ReconciliationItem.location == location,
            ReconciliationItem.sku == sku,
            ReconciliationItem.resolved_at.is_(None),
        )
    )
    message = f"{sku} at {location} is at {on_hand} on hand: count the shelf and post the variance"
    now = ctx.clock()
    if item is None:
        item_id, raised, occurrences = new_id(), now, 1
        session.add(
            ReconciliationItem(
                id=item_id,
                kind="below_zero",
                location=location,
                sku=sku,
                on_hand=on_hand,
                ref_id=ref_id,
                message=message,
                raised_at=now,
                updated_at=now,
            )
        )
    else:
        item_id, raised, occurrences = item.id, item.raised_at, item.occurrences + 1
        session.execute(
            update(ReconciliationItem)
            .where(ReconciliationItem.id == item.id)
            .values(on_hand=on_hand, ref_id=ref_id, message=message, occurrences=occurrences, updated_at=now)
        )
    return FeedChange(
        "reconciliation",
        item_id,
        {
            "id": item_id,
            "kind": "below_zero",
            "sku": sku,
            "ref_id": ref_id,
            "message": message,
            "detail": {"location": location, "on_hand": on_hand, "occurrences": occurrences},
            "raised_at": raised.isoformat(),
            "resolved_at": None,
        },
        only_store=location,
    )


def levels(session: Session, location: str | None = None, skus: list[str] | None = None) -> dict[tuple[str, str], int]:
    stmt = select(StockLevel.location, StockLevel.sku, StockLevel.on_hand)
    if location:
        stmt = stmt.where(StockLevel.location == location)
    if skus:
        stmt = stmt.where(StockLevel.sku.in_(skus))
    return {(loc, sku): int(q) for loc, sku, q in session.execute(stmt)}


NEARBY_MAX = 20


def elsewhere(ctx: CentralContext, store_id: str, sku: str) -> list[dict[str, Any]]:
    """Who else has this SKU, for a store that does not get every store's figures in its feed: its neighbours
    first, then the other stores by most on hand (at most NEARBY_MAX), each with name and time of the figure."""
    with ctx.db.sessions() as s:
        near = audience(s, ctx, store_id)
        rows = s.execute(
            select(StockLevel.location, Location.name, StockLevel.on_hand, StockLevel.updated_at)
            .join(Location, Location.code == StockLevel.location)
            .where(StockLevel.sku == sku, StockLevel.location != store_id, StockLevel.on_hand > 0)
            .order_by(StockLevel.location.in_(near).desc(), StockLevel.on_hand.desc(), StockLevel.location)
            .limit(NEARBY_MAX)
        ).all()
    return [
        {
            "location": loc,
            "name": name or loc,
            "on_hand": int(q),
            "neighbour": loc in near,
            "as_of": at.isoformat() if at else None,
        }
        for loc, name, q, at in rows
    ]


def publish_to_feed(ctx: CentralContext, location: str) -> None:
    """The location's changed stock figures into the feed, in a transaction of their own: once per push batch
    (and by a pull that finds figures a crashed push left unpublished), not once per sale."""
    retrying(_publish_to_feed, ctx, location)


def _publish_to_feed(ctx: CentralContext, location: str) -> None:
    with ctx.db.unit_of_work() as s:
        append(s, ctx, publish(s, ctx, location))
