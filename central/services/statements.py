"""Statements of the hot path (applying events), built once: building SQL constructs costs more than running them."""
from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert, Update

from central.tables import CentralMeta, Change, StockLevel, Store


@cache
def insert_into(table: Table) -> Insert:
    return insert(table)


@cache
def claim_next_seq() -> Update:
    """Advance a store's last_seq by one if this event is the next one; the row lock queues concurrent pushes."""
    t = Store.__table__
    return (update(t).where(t.c.id == bindparam("b_store"), t.c.last_seq == bindparam("b_prev"))
            .values(last_seq=bindparam("b_seq"), last_push_at=bindparam("b_at"), last_device=bindparam("b_device")))


@cache
def bump_feed_seq() -> Any:
    t = CentralMeta.__table__
    return update(t).where(t.c.id == 1).values(feed_seq=t.c.feed_seq + bindparam("b_n")).returning(t.c.feed_seq)


def _dialect_insert(dialect: str, table: Table) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@cache
def upsert_change(dialect: str) -> Any:
    ins = _dialect_insert(dialect, Change.__table__)
    return ins.on_conflict_do_update(
        index_elements=["topic", "key"],
        set_={k: ins.excluded[k] for k in ("seq", "skip_store", "only_store", "data", "changed_at")})


@cache
def add_to_level(dialect: str) -> Any:
    levels = StockLevel.__table__
    ins = _dialect_insert(dialect, levels)
    return ins.on_conflict_do_update(
        index_elements=["location", "sku"],
        set_={"on_hand": levels.c.on_hand + ins.excluded.on_hand, "updated_at": ins.excluded.updated_at,
              "feed_pending": True},
    ).returning(levels.c.sku, levels.c.on_hand)


@cache
def take_pending_levels() -> Any:
    """Clear the pending mark and read the figures in one statement: a change committed meanwhile marks again."""
    t = StockLevel.__table__
    return (update(t).where(t.c.location == bindparam("b_location"), t.c.feed_pending.is_(True))
            .values(feed_pending=False).returning(t.c.sku, t.c.on_hand, t.c.updated_at))
