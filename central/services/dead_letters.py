"""Dead-lettered events: listed with their reason, retried after a fix (catalog, upgrade) or discarded."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from central.tables import AppliedEvent, DeadLetter
from common.errors import Conflict, NotFound

from . import feed, stock
from .context import CentralContext
from .envelope import Event
from .feed import FeedChange
from .handlers import handler_for
from .payloads import Rejection


def dead_letter_json(d: DeadLetter) -> dict[str, Any]:
    return {
        "event_id": d.event_id,
        "store_id": d.store_id,
        "store_seq": d.store_seq,
        "type": d.type,
        "schema_version": d.schema_version,
        "code": d.code,
        "reason": d.reason,
        "created_at": d.created_at,
        "resolved_at": d.resolved_at,
        "resolution": d.resolution,
    }


def list_dead_letters(
    ctx: CentralContext, store_id: str | None = None, open_only: bool = True, limit: int = 200
) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        stmt = select(DeadLetter).order_by(DeadLetter.store_id, DeadLetter.store_seq).limit(limit)
        if store_id:
            stmt = stmt.where(DeadLetter.store_id == store_id)
        if open_only:
            stmt = stmt.where(DeadLetter.resolved_at.is_(None))
        return [dead_letter_json(d) for d in s.scalars(stmt)]


def _notice(d: DeadLetter) -> FeedChange:
    """Tell the store what became of its dead letter."""
    return FeedChange(
        "dead_letter",
        d.event_id,
        {
            "event_id": d.event_id,
            "code": d.code,
            "reason": d.reason,
            "resolution": d.resolution,
            "resolved_at": d.resolved_at.isoformat() if d.resolved_at else None,
        },
        only_store=d.store_id,
    )


def retry(ctx: CentralContext, event_id: str, store_id: str | None = None) -> dict[str, Any]:
    """Apply the stored event again (after the SKU was added, say); on success it counts as applied, once."""
    with ctx.db.unit_of_work() as s:
        d = _open(s, event_id, store_id)
        payload = json.loads(d.payload)
        first = s.get(AppliedEvent, event_id)
        ev = Event(
            event_id,
            d.store_id,
            first.device_id if first else "",
            d.store_seq,
            d.type,
            d.schema_version,
            payload,
            first.payload_hash if first else "",
        )
        try:
            with s.begin_nested():
                changes = handler_for(d.type, d.schema_version)(s, ctx, ev)
        except Rejection as r:
            d.code, d.reason = r.code, r.message
            return {**dead_letter_json(d), "retried": False}
        d.resolved_at, d.resolution = ctx.clock(), "retried"
        s.execute(
            update(AppliedEvent)
            .where(AppliedEvent.event_id == event_id)
            .values(outcome="applied", code=None, message=None)
        )
        feed.append(s, ctx, [*changes, *stock.publish(s, ctx, d.store_id), _notice(d)])
        return {**dead_letter_json(d), "retried": True}


def discard(ctx: CentralContext, event_id: str, store_id: str | None = None) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        d = _open(s, event_id, store_id)
        d.resolved_at, d.resolution = ctx.clock(), "discarded"
        feed.append(s, ctx, [_notice(d)])
        return dead_letter_json(d)


def _open(s: Any, event_id: str, store_id: str | None) -> DeadLetter:
    d = s.get(DeadLetter, event_id)
    if d is None or (store_id is not None and d.store_id != store_id):
        raise NotFound("unknown_dead_letter", f"no dead letter for event {event_id}")
    if d.resolved_at is not None:
        raise Conflict("already_resolved", f"event {event_id} was already {d.resolution}")
    return d
