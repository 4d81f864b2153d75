"""Reading the outbox for a push and recording central's answer: only acknowledged events leave the queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common.db import Database
from pos.adapters.tables import DeadLetterSeen, OutboxEvent, SyncStatus

from . import state

# Outcomes that take an event out of the queue. "gap" and "skipped" leave it to be sent again.
DONE = {"applied", "duplicate", "rejected", "conflict"}


@dataclass
class PushTally:
    sent: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    waiting: int = 0  # gap or skipped: sent again
    central: str | None = None  # "new_epoch" | "behind" when central lost events
    gap: bool = False
    codes: dict[str, int] = field(default_factory=dict)

    def add(self, other: PushTally) -> None:
        for name in ("sent", "applied", "duplicates", "rejected", "conflicts", "waiting"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.codes.items():
            self.codes[code] = self.codes.get(code, 0) + n


_PENDING = (
    OutboxEvent.event_id,
    OutboxEvent.store_id,
    OutboxEvent.device_id,
    OutboxEvent.store_seq,
    OutboxEvent.type,
    OutboxEvent.schema_version,
    OutboxEvent.payload,
    OutboxEvent.payload_hash,
    OutboxEvent.created_at,
)


def pending(db: Database, limit: int) -> list[dict[str, Any]]:
    """The oldest unsent events, in store_seq order, shaped for the push body. Each payload goes as the canonical JSON
    it was stored and hashed as (an orjson.Fragment: written into the body as it is, never parsed and written again)."""
    with db.sessions() as s:
        rows = s.execute(select(*_PENDING).where(state.UNSENT).order_by(OutboxEvent.store_seq).limit(limit))
        return [
            {
                "event_id": r.event_id,
                "store_id": r.store_id,
                "device_id": r.device_id,
                "store_seq": r.store_seq,
                "type": r.type,
                "schema_version": r.schema_version,
                "payload": orjson.Fragment(r.payload),
                "payload_hash": r.payload_hash,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]


def record_push(db: Database, sent: list[dict[str, Any]], answer: dict[str, Any], now: datetime) -> PushTally:
    """Acknowledge what central processed, keep what it refused as a dead letter, all in one transaction."""
    tally = PushTally(sent=len(sent))
    by_id = {e["event_id"]: e for e in sent}
    acked: list[str] = []
    with db.unit_of_work() as s:
        for r in answer.get("results", []):
            ev = by_id.get(r.get("event_id"))
            if ev is None:
                continue
            outcome = r.get("outcome")
            if outcome not in DONE:
                tally.waiting += 1
                tally.gap = tally.gap or outcome == "gap"
                continue
            acked.append(ev["event_id"])
            first = r.get("first_outcome") if outcome == "duplicate" else outcome
            if outcome == "duplicate" and first == "applied":
                tally.duplicates += 1
            elif first == "applied":
                tally.applied += 1
            else:
                tally.rejected += outcome != "conflict"
                tally.conflicts += outcome == "conflict"
                code = r.get("code") or outcome
                tally.codes[code] = tally.codes.get(code, 0) + 1
                _dead_letter(s, ev, r, now)
        if acked:
            s.execute(update(OutboxEvent).where(OutboxEvent.event_id.in_(acked)).values(acked_at=now))
        tally.central = state.note_central(s, str(answer["epoch"]), int(answer["store_seq"]))
        s.execute(
            update(SyncStatus)
            .where(state.ROW)
            .values(last_push_at=now, pushed_total=SyncStatus.pushed_total + len(acked))
        )
    return tally


def _dead_letter(s: Session, ev: dict[str, Any], r: dict[str, Any], now: datetime) -> None:
    row = s.get(DeadLetterSeen, ev["event_id"])
    if row is None:
        s.add(
            DeadLetterSeen(
                event_id=ev["event_id"],
                store_seq=ev["store_seq"],
                type=ev["type"],
                status=int(r.get("status") or 422),
                code=str(r.get("code") or r.get("outcome")),
                reason=str(r.get("message") or ""),
                seen_at=now,
            )
        )
