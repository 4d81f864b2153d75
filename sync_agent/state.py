"""The agent's row in the store database: lease, epoch and cursor, last success and error, queue figures."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.db import Database, rowcount
from pos.adapters.tables import DeadLetterSeen, OutboxEvent, SyncStatus

ROW = SyncStatus.id == 1
UNSENT = OutboxEvent.acked_at.is_(None)


def acquire_lease(db: Database, owner: str, ttl_seconds: float, now: datetime) -> bool:
    """Take or renew the one-agent-per-store lease; False while another live agent holds it.

    One guarded UPDATE under SQLite's write lock: two agents starting together cannot both win. A holder
    on this machine whose process is gone (killed) is taken over at once instead of after its lease runs out.
    """
    until = now + timedelta(seconds=ttl_seconds)
    with db.unit_of_work() as s:
        won = s.execute(
            update(SyncStatus)
            .where(
                ROW,
                (SyncStatus.lease_owner.is_(None)) | (SyncStatus.lease_owner == owner) | (SyncStatus.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=until)
        )
        if rowcount(won) == 1:
            return True
        holder = s.scalar(select(SyncStatus.lease_owner).where(ROW))
        if holder is None or not owner_is_gone(holder):
            return False
        won = s.execute(
            update(SyncStatus).where(ROW, SyncStatus.lease_owner == holder).values(lease_owner=owner, lease_until=until)
        )
        return rowcount(won) == 1


def lease_owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_gone(owner: str) -> bool:
    """True if the owner ran on this machine and its process no longer exists."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_lease(db: Database, owner: str) -> None:
    with db.unit_of_work() as s:
        s.execute(
            update(SyncStatus).where(ROW, SyncStatus.lease_owner == owner).values(lease_owner=None, lease_until=None)
        )


def lease_holder(db: Database) -> tuple[str | None, datetime | None]:
    with db.sessions() as s:
        row = s.execute(select(SyncStatus.lease_owner, SyncStatus.lease_until).where(ROW)).one()
        return row[0], row[1]


def read(db: Database) -> dict[str, Any]:
    with db.sessions() as s:
        row = s.get(SyncStatus, 1)
        assert row is not None, "sync_status row missing: run `omnitoko store init` (migrations)"
        return {c.name: getattr(row, c.name) for c in SyncStatus.__table__.columns}


def queue_stats(s: Session) -> dict[str, Any]:
    depth, oldest = s.execute(select(func.count(), func.min(OutboxEvent.created_at)).where(UNSENT)).one()
    sales = s.scalar(select(func.count()).where(UNSENT, OutboxEvent.type == EventType.SALE_COMPLETED))
    dead = s.scalar(select(func.count()).select_from(DeadLetterSeen).where(DeadLetterSeen.resolved_at.is_(None)))
    return {
        "queue_depth": int(depth or 0),
        "oldest_unsent_at": oldest,
        "sales_waiting": int(sales or 0),
        "dead_letters": int(dead or 0),
    }


def note_central(s: Session, epoch: str, central_seq: int) -> str | None:
    """Compare what central says with what we believe, inside the caller's transaction.

    A new epoch (central restored from a backup) or a high-water mark below events we hold as acknowledged
    (a restore without a new epoch): mark those events unsent again, so they are pushed again. A new epoch
    also restarts the pull from 0, as the feed's numbers began again.
    """
    row = s.get(SyncStatus, 1)
    assert row is not None
    what = None
    if row.epoch is not None and row.epoch != epoch:
        row.cursor, what = 0, "new_epoch"
    max_acked = s.scalar(select(func.max(OutboxEvent.store_seq)).where(OutboxEvent.acked_at.is_not(None))) or 0
    if max_acked > central_seq:
        s.execute(update(OutboxEvent).where(OutboxEvent.store_seq > central_seq).values(acked_at=None))
        what = what or "behind"
    row.epoch, row.central_seq = epoch, central_seq
    return what


def record_round(db: Database, now: datetime, error: str | None, clock: dict[str, Any] | None = None) -> dict[str, Any]:
    """The round's end: success or the error, the queue as it is now, and the clock skew central measured (the
    manager's sync page warns over central's bound): one write, which the round makes anyway."""
    with db.unit_of_work() as s:
        stats = queue_stats(s)
        values: dict[str, Any] = {
            "last_round_at": now,
            "queue_depth": stats["queue_depth"],
            "oldest_unsent_at": stats["oldest_unsent_at"],
            "dead_letters": stats["dead_letters"],
            **clock_values(clock, now),
        }
        if error is None:
            values["last_success_at"] = now
        else:
            values.update(last_error=error[:500], last_error_at=now)
        s.execute(update(SyncStatus).where(ROW).values(**values))
        return stats


def clock_values(clock: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """The pull's `clock` as sync_status columns; nothing when central sent none (an older central) or nonsense."""
    if not isinstance(clock, dict):
        return {}
    skew, bound = clock.get("skew_seconds"), clock.get("warn_seconds")
    if not isinstance(skew, (int, float)) or isinstance(skew, bool) or not isinstance(bound, int) or bound < 1:
        return {}
    return {"clock_skew_seconds": float(skew), "clock_skew_bound_seconds": bound, "clock_checked_at": now}


def reset_cursor(db: Database) -> None:
    with db.unit_of_work() as s:
        s.execute(update(SyncStatus).where(ROW).values(cursor=0))
