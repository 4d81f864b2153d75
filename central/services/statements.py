"""Statements of the hot path (applying events), built once: building SQL constructs costs more than running them."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, bindparam, column, exists, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert, Update

from central.tables import CentralMeta, Change, StockLevel, Store


@cache
def insert_into(table: Table) -> Insert:
    return insert(table)


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows (dicts with the same keys, the column names) into a table, as ONE statement whatever their number.

    On PostgreSQL the rows go as one JSON array that the server turns into rows of the table's type
    (`json_populate_recordset`): one statement whose text never changes (prepared once per connection) and one
    parameter the C encoder writes, where an executemany costs the driver a message and the encoding of every
    value of every row, and a multi-row VALUES a new statement text per row count. Each value still goes
    through its column type's input, so a value that does not fit is refused as before."""
    if not rows:
        return
    if conn.dialect.name != "postgresql" or len(rows) == 1:
        conn.execute(insert_into(table), rows)
        return
    conn.execute(_insert_json(table, tuple(rows[0])), as_json(rows))


def as_json(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The parameter of a `json_rows` statement."""
    return {"b_rows": json.dumps(rows, separators=(",", ":"), ensure_ascii=False, default=_json_value)}


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):  # naive UTC throughout central; timestamp input reads ISO 8601
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a column value this path sends")


@cache
def json_rows(table: Table, names: tuple[str, ...]) -> Any:
    """SELECT the named columns of the rows in the JSON array parameter `b_rows`, typed as the table's rows."""
    source = text(f"json_populate_recordset(NULL::{table.name}, CAST(:b_rows AS JSON)) AS rows")
    return select(*[column(n) for n in names]).select_from(source)


@cache
def _insert_json(table: Table, names: tuple[str, ...]) -> Insert:
    return insert(table).from_select(list(names), json_rows(table, names))


@cache
def claim_next_seq() -> Update:
    """Advance a store's last_seq by one if this event is the next one; the row lock queues concurrent pushes."""
    t = Store.__table__
    return (
        update(t)
        .where(t.c.id == bindparam("b_store"), t.c.last_seq == bindparam("b_prev"))
        .values(last_seq=bindparam("b_seq"), last_push_at=bindparam("b_at"), last_device=bindparam("b_device"))
    )


@cache
def lock_store_seq() -> Any:
    """The store's last applied seq, its row locked: concurrent pushes of one store queue here."""
    t = Store.__table__
    return select(t.c.last_seq).where(t.c.id == bindparam("b_store")).with_for_update()


@cache
def lock_feed_head() -> Any:
    """The feed head, locked for one sequencer; on PostgreSQL a second one gets no row instead of waiting."""
    t = CentralMeta.__table__
    return select(t.c.feed_seq).where(t.c.id == 1).with_for_update(skip_locked=True)


@cache
def set_feed_head() -> Update:
    t = CentralMeta.__table__
    return update(t).where(t.c.id == 1).values(feed_seq=bindparam("b_head"))


@cache
def any_pending_change() -> Any:
    t = Change.__table__
    return select(t.c.topic).where(t.c.seq.is_(None)).limit(1)


@cache
def take_pending_changes() -> Any:
    """Committed pending rows, oldest first; rows a writer holds right now are left for the next run."""
    t = Change.__table__
    return (
        select(t.c.topic, t.c.key)
        .where(t.c.seq.is_(None))
        .order_by(t.c.changed_at, t.c.topic, t.c.key)
        .limit(bindparam("b_n"))
        .with_for_update(skip_locked=True)
    )


@cache
def number_pending_changes() -> Any:
    """PostgreSQL: `take_pending_changes` and `number_change` in one statement. The same rows (committed pending
    ones, oldest first, up to b_n; rows a writer holds are skipped) get b_head + 1, b_head + 2, ... in that
    order; its row count is how many."""
    return text(
        "UPDATE changes SET seq = CAST(:b_head AS BIGINT) + taken.n FROM ("
        " SELECT topic, key, row_number() OVER (ORDER BY changed_at, topic, key) AS n FROM ("
        "  SELECT topic, key, changed_at FROM changes WHERE seq IS NULL"
        "  ORDER BY changed_at, topic, key LIMIT :b_n FOR UPDATE SKIP LOCKED"
        " ) AS pending"
        ") AS taken WHERE changes.topic = taken.topic AND changes.key = taken.key"
    )


@cache
def number_change() -> Update:
    t = Change.__table__
    return (
        update(t).where(t.c.topic == bindparam("b_topic"), t.c.key == bindparam("b_key")).values(seq=bindparam("b_seq"))
    )


def _dialect_insert(dialect: str, table: Table) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@cache
def insert_ignoring(dialect: str, table: Table, *keys: str) -> Any:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, on either database: a row already there is kept as it is."""
    return _dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


CHANGE_COLUMNS = ("topic", "key", "seq", "skip_store", "only_store", "scope", "data", "changed_at")
LEVEL_COLUMNS = ("location", "sku", "on_hand", "updated_at", "feed_pending")


def _upsert_insert(dialect: str, table: Table, names: tuple[str, ...]) -> Any:
    """An insert of rows given as dicts (executemany) or, on PostgreSQL, as one JSON parameter (`as_json`)."""
    if dialect == "postgresql":
        return postgresql.insert(table).from_select(list(names), json_rows(table, names))
    return _dialect_insert(dialect, table)


@cache
def upsert_change(dialect: str) -> Any:
    """Feed rows upserted by (topic, key); on PostgreSQL its parameter is `as_json(rows)`."""
    ins = _upsert_insert(dialect, Change.__table__, CHANGE_COLUMNS)
    return ins.on_conflict_do_update(
        index_elements=["topic", "key"],
        set_={k: ins.excluded[k] for k in ("seq", "skip_store", "only_store", "data", "changed_at")},
    )


@cache
def add_to_level(dialect: str) -> Any:
    """Stock deltas added to the levels; on PostgreSQL its parameter is `as_json(rows)`."""
    levels = StockLevel.__table__
    ins = _upsert_insert(dialect, levels, LEVEL_COLUMNS)
    return ins.on_conflict_do_update(
        index_elements=["location", "sku"],
        set_={
            "on_hand": levels.c.on_hand + ins.excluded.on_hand,
            "updated_at": ins.excluded.updated_at,
            "feed_pending": True,
        },
    ).returning(levels.c.location, levels.c.sku, levels.c.on_hand)


@cache
def lock_pending_levels() -> Any:
    """A location's changed figures, locked in SKU order (the order every writer of stock rows follows)."""
    t = StockLevel.__table__
    return (
        select(t.c.sku, t.c.on_hand, t.c.updated_at)
        .where(t.c.location == bindparam("b_location"), t.c.feed_pending.is_(True))
        .order_by(t.c.sku)
        .with_for_update()
    )


@cache
def clear_pending_levels() -> Update:
    """The figures just published (their rows locked by `lock_pending_levels`), by SKU: one statement."""
    t = StockLevel.__table__
    return (
        update(t)
        .where(t.c.location == bindparam("b_location"), t.c.sku.in_(bindparam("b_skus", expanding=True)))
        .values(feed_pending=False)
    )


@cache
def store_by_token() -> Any:
    """The store a token's hash belongs to (id and active): the token check of every request but a pull's."""
    t = Store.__table__
    return select(t.c.id, t.c.active).where(t.c.token_hash == bindparam("b_token"))


@cache
def pull_probe(by_token: bool = False) -> Any:
    """What a pull must know before it reads a page, in one statement: the store (found by its id, or by its
    token's hash: the token check of the request), the feed's epoch and head, whether any change waits for a
    number or any figure of the store's location for publishing, and the store's last seq and neighbours.
    An idle pull (its cursor at the head, nothing waiting) is answered from this alone. No store matched: the
    store columns are NULL (the meta row is always there)."""
    meta, changes, levels, stores = CentralMeta.__table__, Change.__table__, StockLevel.__table__, Store.__table__
    match = stores.c.token_hash if by_token else stores.c.id
    return (
        select(
            stores.c.id,
            stores.c.active,
            stores.c.last_seq,
            stores.c.region,
            stores.c.neighbours,
            meta.c.epoch,
            meta.c.feed_seq,
            exists().where(changes.c.seq.is_(None)).label("pending"),
            exists().where(levels.c.location == stores.c.id, levels.c.feed_pending.is_(True)).label("unpublished"),
        )
        .select_from(meta.outerjoin(stores, match == bindparam("b_store")))
        .where(meta.c.id == 1)
    )


@cache
def push_answer() -> Any:
    """The feed's epoch and the store's last seq, what a push answers with: one statement."""
    meta, stores = CentralMeta.__table__, Store.__table__
    last = select(stores.c.last_seq).where(stores.c.id == bindparam("b_store")).scalar_subquery()
    return select(meta.c.epoch, last.label("last_seq")).where(meta.c.id == 1)
