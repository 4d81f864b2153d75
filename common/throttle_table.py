"""Failed sign-ins per key ("staff:1001", "admin:root", "addr:10.0.0.7") in the database, so every worker and a
restart see the same count. Both servers keep a table of these columns (ThrottleColumns) and use these functions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, String, case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from common.throttle import Policy


class ThrottleColumns:
    """Mixin: one row per key that has failed recently."""

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


def wait_left(s: Session, table: Any, key: str, now: datetime) -> tuple[timedelta, int] | None:
    """How long `key` must still wait and its failures in a row, or None when it may try now."""
    row = s.execute(select(table.locked_until, table.failures).where(table.key == key)).first()
    return (row[0] - now, int(row[1])) if row is not None and row[0] is not None and row[0] > now else None


def record_failure(s: Session, table: Any, key: str, now: datetime, policy: Policy) -> tuple[int, timedelta]:
    """Count one failure atomically (concurrent failures each count); returns the count and the wait it earns."""
    dialect = s.get_bind().dialect.name
    ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
    s.execute(ins.values(key=key, failures=0, last_failure_at=now).on_conflict_do_nothing())
    stale = table.last_failure_at < now - policy.forget_after
    failures = int(
        s.execute(
            update(table)
            .where(table.key == key)
            .values(failures=case((stale, 1), else_=table.failures + 1), last_failure_at=now)
            .returning(table.failures)
        ).scalar_one()
    )
    wait = policy.wait_after(failures)
    if wait:
        s.execute(update(table).where(table.key == key).values(locked_until=now + wait))
    return failures, wait


def clear(s: Session, table: Any, key: str) -> bool:
    """Forget a key's failures (a right answer, or a manager or admin lifting the lock); True if it had any."""
    return bool(getattr(s.execute(delete(table).where(table.key == key)), "rowcount", 0))


def locked_keys(s: Session, table: Any, now: datetime, prefix: str = "") -> list[dict[str, Any]]:
    """Keys waiting now (longest wait first), for the page where a lock is lifted."""
    rows = s.scalars(
        select(table)
        .where(table.locked_until > now, table.key.startswith(prefix))
        .order_by(table.locked_until.desc())
        .limit(200)
    )
    return [
        {"key": r.key, "failures": r.failures, "locked_until": r.locked_until, "wait": r.locked_until - now}
        for r in rows
    ]
