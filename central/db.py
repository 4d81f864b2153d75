"""The central database handle: the store's Database, with one SQLite difference (the demo backend)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, make_url

from common.db import Database

# Seconds to wait for a PostgreSQL connection: a database that is down makes the health check (and every request)
# answer within this instead of hanging on the operating system's connect timeout. libpq counts 2 as its minimum.
CONNECT_TIMEOUT = 3


@dataclass(frozen=True)
class SessionLimits:
    """PostgreSQL time limits for a session, in ms (0 = none): set as the session starts, so they hold for every
    statement the pool's connection runs. The web workers have them (config [database]); the CLI, the migrations
    and the housekeeping worker, whose batches may run long by design, do not."""

    statement_timeout: int = 0
    lock_timeout: int = 0
    idle_in_transaction_session_timeout: int = 0

    def options(self, url: str) -> str:
        """libpq's `options` for `url`: the URL's own (a search_path, say), then each limit as a `-c name=value` the
        server applies at connect (connect_args' `options` replaces the URL's, so both go in it)."""
        own = make_url(url).query.get("options")
        parts = [own] if isinstance(own, str) and own else []
        return " ".join(parts + [f"-c {name}={ms}" for name, ms in vars(self).items() if ms])


def central_database(
    url: str, pool_size: int = 8, max_overflow: int = 4, limits: SessionLimits | None = None
) -> Database:
    """A Database for central; on SQLite, synchronous=NORMAL instead of FULL.

    With WAL, NORMAL can lose the last commits on a power cut but never corrupts the file. Central losing
    acknowledged events is the restored-backup case the agents already handle: each pull reports central's
    high-water store_seq, and an agent that holds acks above it pushes those events again. PostgreSQL,
    the production backend, keeps its own durable commit settings.

    On PostgreSQL the pool opens up to pool_size + max_overflow connections, each when first needed, and keeps
    them: SQLAlchemy closes a connection beyond pool_size as soon as it is given back, so a load that went above
    pool_size now and then (many stores pulling at once) opened and closed a connection every ~20 idle pulls, each
    connect costing both sides far more CPU than a pull. The most a worker holds is the same.

    `limits`: the session time limits its connections start with (the web workers'; see SessionLimits).
    """
    if not url.startswith("sqlite"):
        connect: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT}
        if limits is not None and (options := limits.options(url)):
            connect["options"] = options
        return Database(
            url,
            pool_size=pool_size + max_overflow,
            max_overflow=0,
            pool_timeout=10,
            connect_args=connect,
        )
    db = Database(url)  # SQLite (the demo) has no session time limits: its lock waits are busy_timeout's

    @event.listens_for(db.engine, "connect")
    def _normal(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return db
