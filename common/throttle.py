"""How long a sign-in must wait after failures in a row: a few free tries, then growing delays, then a lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .errors import DomainError, Locked, TooManyRequests

# 2**20 times any lock is far past every cap; stopping there keeps timedelta from overflowing.
_MAX_DOUBLINGS = 20


@dataclass(frozen=True)
class Policy:
    """One kind of key (an account, an address): what its Nth failure in a row costs."""

    free: int  # failures in a row answered at once
    lock_after: int  # this many in a row lock the key; each further failure doubles the lock
    lock: timedelta
    first_delay: timedelta = timedelta(seconds=1)  # after `free`, doubling up to the lock
    forget_after: timedelta = timedelta(hours=24)  # no failure for this long: the count starts again
    cap: timedelta = timedelta(hours=24)

    def wait_after(self, failures: int) -> timedelta:
        if failures >= self.lock_after:
            return min(self.lock * (1 << min(failures - self.lock_after, _MAX_DOUBLINGS)), self.cap)
        if failures >= self.free:
            return min(self.first_delay * (1 << min(failures - self.free, _MAX_DOUBLINGS)), self.lock)
        return timedelta(0)

    def locks(self, failures: int) -> bool:
        return failures >= self.lock_after


def wait_unit(seconds: int) -> tuple[int, str]:
    """(8, "seconds"), (5, "minutes"), (2, "hours"): rounded up, so the user never comes back too early; the
    catalogs word it in each language (errors.json `wait.<unit>`)."""
    seconds = max(1, seconds)
    if seconds < 120:
        return seconds, "seconds"
    minutes = -(-seconds // 60)
    if minutes < 120:
        return minutes, "minutes"
    return -(-minutes // 60), "hours"


def wait_seconds(wait: timedelta) -> int:
    return max(1, int(-(-wait.total_seconds() // 1)))


def say_duration(wait: timedelta) -> str:
    """ "8 seconds", "5 minutes", "2 hours" (the service's own English)."""
    n, unit = wait_unit(wait_seconds(wait))
    return f"{n} {unit[:-1] if n == 1 else unit}"


def refuse_waiting(wait: timedelta, locked: bool, what: str, who_lifts: str) -> DomainError:
    """The refusal for a key that must wait; it says how long (in the body and as Retry-After, in seconds)."""
    retry = int(wait.total_seconds()) + 1
    said = say_duration(wait)
    kind, code, message = (
        (Locked, "locked", f"too many wrong attempts: {what} is locked for {said}; {who_lifts} can lift the lock")
        if locked
        else (TooManyRequests, "slow_down", f"too many wrong attempts: {what} must wait {said} before trying again")
    )
    err = kind(code, message, retry_after=retry, wait=said, wait_seconds=wait_seconds(wait))
    err.retry_after = retry  # the header too, not only the body's `retry_after`
    return err
