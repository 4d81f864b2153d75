"""The central database handle: the store's Database, with one SQLite difference (the demo backend)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

from common.db import Database

# Seconds to wait for a PostgreSQL connection: a database that is down makes the health check (and every request)
# answer within this instead of hanging on the operating system's connect timeout. libpq counts 2 as its minimum.
CONNECT_TIMEOUT = 3
PING_IDLE_SECONDS = 5.0  # a pooled connection unused longer than this is pinged before use
_RETURNED = "omnitoko_returned_at"


def central_database(url: str, pool_size: int = 8, max_overflow: int = 4) -> Database:
    """A Database for central; on SQLite, synchronous=NORMAL instead of FULL.

    With WAL, NORMAL can lose the last commits on a power cut but never corrupts the file. Central losing
    acknowledged events is the restored-backup case the agents already handle: each pull reports central's
    high-water store_seq, and an agent that holds acks above it pushes those events again. PostgreSQL,
    the production backend, keeps its own durable commit settings.
    """
    if not url.startswith("sqlite"):
        db = Database(
            url,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=10,
            pool_pre_ping=False,  # ping_when_idle below instead
            connect_args={"connect_timeout": CONNECT_TIMEOUT},
        )
        ping_when_idle(db.engine)
        return db
    db = Database(url)

    @event.listens_for(db.engine, "connect")
    def _normal(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return db


def ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat in the pool longer than PING_IDLE_SECONDS.

    A ping on every checkout is a round trip on every request (a third of an idle pull's CPU). A connection used
    a moment ago is alive unless the database restarted in that moment; then that request fails once (a 503 the
    agents retry) and SQLAlchemy, seeing the disconnect, throws away every connection of the pool."""

    @event.listens_for(engine.pool, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED, float("-inf")) <= PING_IDLE_SECONDS:
            return
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_conn.rollback()  # the ping opened a transaction (the driver is not in autocommit)
        except Exception as e:  # noqa: BLE001 - whatever the driver raises, the connection is not usable
            raise DisconnectionError(f"pooled connection failed its ping: {type(e).__name__}") from e
