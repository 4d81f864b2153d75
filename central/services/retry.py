"""Deadlocks and serialization failures are retried here, inside the central store, never shown as a 500.

PostgreSQL ends one transaction of a deadlock (SQLSTATE 40P01) or of a serialization conflict (40001); the
work is safe to run again from the start because the transaction was rolled back whole. Each service call
is one transaction (or a series of them, each safe to repeat: events are applied once by their ids), so the
whole call is retried with full-jitter exponential backoff. After the last try the caller gets `Busy`:
503 with Retry-After, and the sync agent backs off.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

from common.errors import DomainError

log = logging.getLogger(__name__)

TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
# A web session's time limit reached (central/db.py SessionLimits): not retried here, since the lock or the load
# that made it wait that long is likely still there; the caller is told to come back (Busy).
TIMEOUT_SQLSTATES = {"55P03": "waited too long for a lock", "57014": "a statement ran past its time limit"}
ATTEMPTS = 6
BASE_SECONDS = 0.01
CAP_SECONDS = 0.4
RETRY_AFTER_SECONDS = 2
UNAVAILABLE_RETRY_AFTER_SECONDS = 10

P = ParamSpec("P")
T = TypeVar("T")


class Busy(DomainError):
    """The database kept refusing for lock conflicts: nothing was applied; send the same request again."""

    status = 503

    def __init__(self, what: str) -> None:
        super().__init__(
            "busy", f"the central store is busy ({what}); nothing was changed: send again in {RETRY_AFTER_SECONDS} s"
        )
        self.retry_after = RETRY_AFTER_SECONDS


class Unavailable(DomainError):
    """The database cannot be reached: nothing was changed; send the same request again later."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            "database_unavailable",
            "the central store cannot reach its database; nothing was "
            f"changed: send again in {UNAVAILABLE_RETRY_AFTER_SECONDS} s",
        )
        self.retry_after = UNAVAILABLE_RETRY_AFTER_SECONDS


def sqlstate(err: BaseException) -> str | None:
    orig = getattr(err, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def is_transient(err: BaseException) -> bool:
    return isinstance(err, DBAPIError) and sqlstate(err) in TRANSIENT_SQLSTATES


def timed_out(err: BaseException) -> str | None:
    """What a session time limit cut short (lock_timeout, statement_timeout), or None for any other error."""
    return TIMEOUT_SQLSTATES.get(sqlstate(err) or "") if isinstance(err, DBAPIError) else None


_JITTER = random.Random()


def backoff(attempt: int, rng: random.Random = _JITTER) -> float:
    """Full jitter: a random wait up to a ceiling that doubles per attempt, so colliding callers spread out."""
    return rng.uniform(0, min(CAP_SECONDS, BASE_SECONDS * 2**attempt))


def retrying(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Call fn; on a deadlock or serialization failure call it again (bounded), then raise Busy."""
    for attempt in range(ATTEMPTS):
        try:
            return fn(*args, **kwargs)
        except DBAPIError as e:
            if not is_transient(e):
                raise
            log.info(
                "%s: %s (SQLSTATE %s), try %d of %d",
                getattr(fn, "__name__", "call"),
                type(e.orig).__name__,
                sqlstate(e),
                attempt + 1,
                ATTEMPTS,
            )
            if attempt + 1 == ATTEMPTS:
                raise Busy("lock conflicts at the database") from e
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")


def retried(fn: Callable[P, T]) -> Callable[P, T]:
    """Decorator form of `retrying` (for views and service entry points)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return retrying(fn, *args, **kwargs)

    return wrapper
