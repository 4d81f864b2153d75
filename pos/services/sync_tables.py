"""Reading (and acting on) the sync agent's own tables, when the store has them.

The agent keeps one status row (`sync_status`) and the events central refused (`dead_letters`). Retrying or
discarding happens at the central store, which holds the refused event: the manager's choice is marked on the
dead letter here and travels to central as an outbox event; central's answer comes back through the pull feed.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from common.errors import Conflict, NotFound


def _models() -> tuple[Any, Any] | None:
    try:
        from pos.adapters.tables.sync import DeadLetterSeen, SyncStatus
    except ImportError:  # a store server older than the sync agent: no sync tables at all
        return None
    return SyncStatus, DeadLetterSeen


def available(s: Session) -> bool:
    models = _models()
    return models is not None and inspect(s.connection()).has_table(models[0].__tablename__)


def agent_status(s: Session) -> dict[str, Any] | None:
    """The agent's last round, success and error; None while it has never run a round (not synced yet)."""
    models = _models()
    row = s.get(models[0], 1) if models else None
    if row is None or row.last_round_at is None:
        return None
    keys = (
        "last_round_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "last_push_at",
        "last_pull_at",
        "pushed_total",
        "pulled_total",
        "epoch",
        "lease_owner",
        "lease_until",
        "clock_skew_seconds",
        "clock_skew_bound_seconds",
        "clock_checked_at",
    )
    return {k: getattr(row, k) for k in keys}


def dead_letters(s: Session) -> list[dict[str, Any]]:
    """Refused events not yet resolved at central, oldest first, with what the manager asked for (if anything)."""
    models = _models()
    if models is None:
        return []
    dead = models[1]
    rows = list(s.scalars(select(dead).where(dead.resolved_at.is_(None)).order_by(dead.store_seq).limit(500)))
    refs = _numbers(s, [d.event_id for d in rows])
    return [
        {
            "event_id": d.event_id,
            "ref": refs.get(d.event_id, ""),
            "type": d.type,
            "store_seq": d.store_seq,
            "code": d.code,
            "reason": d.reason,
            "status": d.status,
            "failed_at": d.seen_at,
            "asked": d.resolution or "",
        }
        for d in rows
    ]


def _numbers(s: Session, event_ids: list[str]) -> dict[str, str]:
    """The receipt, refund, count or order number each event names, read from its outbox copy: what a manager
    looks up, where the event's id says nothing."""
    from pos.adapters.tables import OutboxEvent

    out = {}
    for event_id, payload in s.execute(
        select(OutboxEvent.event_id, OutboxEvent.payload).where(OutboxEvent.event_id.in_(event_ids))
    ):
        try:
            data = json.loads(payload)
        except ValueError:
            continue
        said = data.get("number") or data.get("receipt") or data.get("order_number") if isinstance(data, dict) else None
        if said:
            out[event_id] = str(said)
    return out


def act(s: Session, event_id: str, action: str, now: datetime) -> dict[str, Any]:
    """Mark the manager's retry or discard on the dead letter, inside the caller's transaction."""
    models = _models()
    row = s.get(models[1], event_id) if models else None
    if row is None:
        raise NotFound("unknown_dead_letter", f"event {event_id} is not dead-lettered", event_id=event_id)
    if row.resolved_at is not None:
        raise Conflict(
            "already_resolved",
            f"event {event_id} was already {row.resolution} at central",
            event_id=event_id,
            resolution=row.resolution,
        )
    if row.resolution:
        raise Conflict(
            "already_asked",
            f"a {row.resolution.removesuffix('_asked')} of event {event_id} is already on its way to central",
            event_id=event_id,
        )
    row.resolution = f"{action}_asked"
    return {
        "event_id": row.event_id,
        "type": row.type,
        "store_seq": row.store_seq,
        "code": row.code,
        "reason": row.reason,
        "asked": row.resolution,
        "at": now.isoformat(),
    }
