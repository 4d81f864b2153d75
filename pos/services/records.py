"""Writes that go with a fact inside its transaction: counters, outbox events, audit entries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from common.contract.events import checked_event, written_version
from common.contract.wire import canonical_json, payload_hash
from common.db import rowcount
from common.tables import new_seq_id
from common.tx import Writes, sql_time
from pos.adapters.tables import AuditEntry, Counter, OutboxEvent

from .context import StoreContext

# Built once: the outbox write is on every sale's hot path, and building statements per call costs more than
# executing them (plain Core on the table, not the ORM bulk path).
_BUMP = (
    update(Counter.__table__)
    .where(Counter.__table__.c.name == bindparam("counter"))
    .values(value=Counter.__table__.c.value + 1)
    .returning(Counter.__table__.c.value)
)
_NEW_COUNTER = insert(Counter.__table__)
_INSERT_EVENT = insert(OutboxEvent.__table__)


def counter_value(session: Session, name: str) -> int:
    """A counter's value now (0 before its first bump)."""
    return int(session.scalar(select(Counter.value).where(Counter.name == name)) or 0)


def set_counter(session: Session, name: str, value: int) -> None:
    """Put a counter at `value` (a restore moving it past what central has seen)."""
    if rowcount(session.execute(update(Counter).where(Counter.name == name).values(value=value))) == 0:
        session.execute(_NEW_COUNTER, {"name": name, "value": value})


def next_value(session: Session, name: str) -> int:
    """Bump a gap-free counter inside the caller's transaction."""
    value = session.execute(_BUMP, {"counter": name}).scalar()
    if value is None:
        session.execute(_NEW_COUNTER, {"name": name, "value": 1})
        return 1
    return int(value)


def _event_row(
    ctx: StoreContext, type_: str, payload: dict[str, Any], device_id: str, schema_version: int | None
) -> dict[str, Any]:
    """The outbox row of one event but its store_seq. The type must be declared in the contract
    (common/contract/names.py `EventType`; written at its newest version unless a caller names another), and the
    payload goes through its contract model, so a field central needs cannot go missing."""
    schema_version = written_version(type_) if schema_version is None else schema_version
    body = canonical_json(checked_event(type_, schema_version, payload))
    return {
        "event_id": new_seq_id(),
        "store_id": ctx.store_id,
        "device_id": device_id,
        "type": type_,
        "schema_version": schema_version,
        "payload": body,
        "payload_hash": payload_hash(body),
        "created_at": ctx.clock(),
        "acked_at": None,
    }


def emit_event(
    session: Session,
    ctx: StoreContext,
    type_: str,
    payload: dict[str, Any],
    device_id: str,
    schema_version: int | None = None,
) -> str:
    """Write one outbox event with the next gap-free store_seq; returns its event_id (see _event_row)."""
    row = _event_row(ctx, type_, payload, device_id, schema_version)
    session.execute(_INSERT_EVENT, {**row, "store_seq": next_value(session, "store_seq")})
    return str(row["event_id"])


def next_value_in(db: Writes, name: str) -> int:
    """next_value inside a `Database.transaction()` (or a `SessionTx`), by the driver."""
    bumped = db.run(_BUMP, {"counter": name}).fetchall()  # RETURNING: read to its end
    if not bumped:
        db.run(_NEW_COUNTER, {"name": name, "value": 1})
        return 1
    return int(bumped[0][0])


def emit_event_in(db: Writes, ctx: StoreContext, type_: str, payload: dict[str, Any], device_id: str) -> str:
    """emit_event inside a `Database.transaction()` (a sale's completion; or a `SessionTx`), by the driver."""
    row = _event_row(ctx, type_, payload, device_id, None)
    row.update(store_seq=next_value_in(db, "store_seq"), created_at=sql_time(row["created_at"]))
    db.run(_INSERT_EVENT, row)
    return str(row["event_id"])


class SqlOutbox:
    """The Outbox port on the caller's session (the outbox table)."""

    def __init__(self, session: Session, ctx: StoreContext) -> None:
        self.session, self.ctx = session, ctx

    def emit(self, type_: str, payload: dict[str, Any], device_id: str) -> str:
        return emit_event(self.session, self.ctx, type_, payload, device_id)


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
            at=ctx.clock(),
            action=action,
            till_id=till_id,
            requested_by=requested_by,
            approved_by=approved_by,
            ref_id=ref_id,
            detail=canonical_json(detail or {}),
        )
    )


def audit_entries(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.at.desc()).limit(limit)))
