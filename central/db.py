"""The central database handle: the store's Database, with one SQLite difference (the demo backend)."""

from __future__ import annotations

from sqlalchemy import event

from common.db import Database

# Seconds to wait for a PostgreSQL connection: a database that is down makes the health check (and every request)
# answer within this instead of hanging on the operating system's connect timeout. libpq counts 2 as its minimum.
CONNECT_TIMEOUT = 3


def central_database(url: str, pool_size: int = 8, max_overflow: int = 4) -> Database:
    """A Database for central; on SQLite, synchronous=NORMAL instead of FULL.

    With WAL, NORMAL can lose the last commits on a power cut but never corrupts the file. Central losing
    acknowledged events is the restored-backup case the agents already handle: each pull reports central's
    high-water store_seq, and an agent that holds acks above it pushes those events again. PostgreSQL,
    the production backend, keeps its own durable commit settings.

    On PostgreSQL the pool opens up to pool_size + max_overflow connections, each when first needed, and keeps
    them: SQLAlchemy closes a connection beyond pool_size as soon as it is given back, so a load that went above
    pool_size now and then (many stores pulling at once) opened and closed a connection every ~20 idle pulls, each
    connect costing both sides far more CPU than a pull. The most a worker holds is the same.
    """
    if not url.startswith("sqlite"):
        return Database(
            url,
            pool_size=pool_size + max_overflow,
            max_overflow=0,
            pool_timeout=10,
            connect_args={"connect_timeout": CONNECT_TIMEOUT},
        )
    db = Database(url)

    @event.listens_for(db.engine, "connect")
    def _normal(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return db
