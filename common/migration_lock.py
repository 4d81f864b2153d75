"""One process at a time migrates a SQLite database: an exclusive lock file beside it (issue 19).

The store server and its sync agent start together and both migrate; so may central's web and worker on the
demo's SQLite. PostgreSQL takes an advisory lock instead (central/migrate.py).
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)
QUIET_SECONDS = 3.0


def lock_path(url: str) -> Path | None:
    """`<database file>.migrate-lock` for a SQLite file; None for memory or another database (it locks itself)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database)).with_name(Path(str(parsed.database)).name + ".migrate-lock")


def _take_soon(handle: IO[bytes]) -> bool:
    """The lock, if it comes free within QUIET_SECONDS: a partner finding the database at head holds it for a
    moment, and a start-up says nothing about that."""
    deadline = time.monotonic() + QUIET_SECONDS
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """An exclusive lock (flock) held while migrating: the second process waits, then finds nothing to do. The
    kernel drops it when the process dies, so a killed migration never leaves a stale lock behind."""
    path = lock_path(url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if not _take_soon(handle):
            log.warning("waiting for the migration lock %s: another process is migrating this database", path)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
