"""How many payment notifications one source address may send a minute (issue 17): counted in the database, so
every worker and a restart see the same count, with the shared throttle (common/throttle.py). A flood is answered
429 before anything is read or recorded; the gateway retries what it could not deliver."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from central.tables import SignInThrottle
from common import throttle_table
from common.errors import TooManyRequests
from common.throttle import Policy, say_duration

from .context import CentralContext

PREFIX = "notify:"
WINDOW = timedelta(minutes=1)


def policy(per_minute: int) -> Policy:
    """`per_minute` answered, then a wait (doubling from a second) until the minute is over."""
    return Policy(free=per_minute + 1, lock_after=per_minute * 2 + 1, lock=WINDOW, forget_after=WINDOW, cap=WINDOW)


def admit(ctx: CentralContext, address: str) -> None:
    """Count one notification from `address` in this minute; refuse it (429) over the limit."""
    now = ctx.clock()
    key = f"{PREFIX}{address[:64]}@{now:%Y%m%d%H%M}"  # one count per address and minute
    rule = policy(ctx.config.payments.notify_per_minute)
    with ctx.db.unit_of_work() as s:
        waiting = throttle_table.wait_left(s, SignInThrottle, key, now)
        wait = waiting[0] if waiting else throttle_table.record_failure(s, SignInThrottle, key, now, rule)[1]
    if wait:
        e = TooManyRequests(
            "too_many_notifications",
            f"too many payment notifications from {address}: try again in {say_duration(wait)}",
            wait=say_duration(wait),
        )
        e.retry_after = max(1, int(wait.total_seconds()) + 1)
        raise e


def forget(ctx: CentralContext) -> int:
    """Drop the counts of minutes gone by (housekeeping)."""
    with ctx.db.unit_of_work() as s:
        cutoff = ctx.clock() - 2 * WINDOW
        gone = s.execute(
            delete(SignInThrottle).where(SignInThrottle.key.startswith(PREFIX), SignInThrottle.last_failure_at < cutoff)
        )
        return int(getattr(gone, "rowcount", 0) or 0)
