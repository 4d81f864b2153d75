"""Work that must run once across every process and host of the central store (housekeeping).

On PostgreSQL a session-level advisory lock, held on its own connection for the length of the run: a second
process (another gunicorn master's worker, another host) finds it taken and skips this run. Advisory locks are
shared by the whole database, so the key names the schema too: two central stores (or test runs) kept in two
schemas of one database each run their own housekeeping. On SQLite (the
demo, one host) an exclusive file lock beside the database does the same.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from .context import CentralContext


def lock_key(name: str) -> int:
    """A stable 63-bit key for the name (advisory locks take a bigint)."""
    return (zlib.crc32(f"omnitoko:{name}".encode()) << 16) | 0x0C57


@contextmanager
def exclusive(ctx: CentralContext, name: str) -> Iterator[bool]:
    """Yields True when this process holds `name` now (and until the block ends), False when another does."""
    engine = ctx.db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            key = lock_key(f"{conn.execute(text('SELECT current_schema()')).scalar()}:{name}")
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    database = engine.url.database
    path = Path(f"{database}.{name}.lock") if database and database != ":memory:" else None
    if path is None:
        yield True
        return
    with open(path, "a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
