"""Writes that go with a fact inside its transaction: counters, outbox events, audit entries."""
from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from pos.adapters.tables import AuditEntry, Counter, OutboxEvent

from .context import StoreContext


def next_value(session: Session, name: str) -> int:
    """Bump a gap-free counter inside the caller's transaction."""
    value = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1).returning(Counter.value)
    ).scalar()
    if value is None:
        session.execute(insert(Counter).values(name=name, value=1))
        return 1
    return int(value)


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def emit_event(
    session: Session, ctx: StoreContext, type_: str, payload: dict[str, Any], device_id: str, schema_version: int = 1
) -> str:
    """Write one outbox event with the next gap-free store_seq; returns its event_id."""
    body = canonical_json(payload)
    event_id = str(uuid.uuid4())
    session.execute(
        insert(OutboxEvent).values(
            event_id=event_id,
            store_seq=next_value(session, "store_seq"),
            store_id=ctx.store_id,
            device_id=device_id,
            type=type_,
            schema_version=schema_version,
            payload=body,
            payload_hash=hashlib.sha256(body.encode()).hexdigest(),
            created_at=ctx.clock(),
        )
    )
    return event_id


def audit(
    session: Session,
    ctx: StoreContext,
    action: str,
    *,
    till_id: str | None = None,
    requested_by: str | None = None,
    approved_by: str | None = None,
    ref_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=ctx.clock(), action=action, till_id=till_id, requested_by=requested_by,
            approved_by=approved_by, ref_id=ref_id, detail=canonical_json(detail or {}),
        )
    )


def audit_entries(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc()).limit(limit)))
