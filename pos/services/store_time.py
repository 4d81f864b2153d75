"""The store's local time: its time zone, a stored UTC time as its wall-clock time, today's date there, and the
checked date range (Period) a report or a list covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.errors import DomainError

from .context import StoreContext

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    zone: ZoneInfo

    def utc_bounds(self) -> tuple[datetime, datetime]:
        lo = datetime.combine(self.start, time(), self.zone).astimezone(UTC).replace(tzinfo=None)
        hi = datetime.combine(self.end + timedelta(days=1), time(), self.zone).astimezone(UTC).replace(tzinfo=None)
        return lo, hi

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def store_zone(ctx: StoreContext) -> ZoneInfo:
    try:
        return ZoneInfo(ctx.config.store.timezone)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise DomainError(
            "bad_timezone",
            f"config [store] timezone {ctx.config.store.timezone!r} is not a known "
            "time zone (use Asia/Jakarta, Asia/Makassar or Asia/Jayapura)",
        ) from e


def to_local(ctx: StoreContext, when: datetime) -> datetime:
    """A stored UTC time as the store's wall-clock time (naive, for display and grouping)."""
    return when.replace(tzinfo=UTC).astimezone(store_zone(ctx)).replace(tzinfo=None)


def today(ctx: StoreContext) -> date:
    return to_local(ctx, ctx.clock()).date()


def period(ctx: StoreContext, start: date | None, end: date | None) -> Period:
    """The range to report on; by default the last 7 days up to today (local)."""
    end = end or today(ctx)
    start = start or end - timedelta(days=6)
    if start > end:
        raise DomainError(
            "bad_range",
            f"the start date {start:%d/%m/%Y} is after the end date {end:%d/%m/%Y}",
            start=f"{start:%d/%m/%Y}",
            end=f"{end:%d/%m/%Y}",
        )
    if (end - start).days >= MAX_DAYS:
        raise DomainError("range_too_long", f"report at most {MAX_DAYS} days at a time", days=MAX_DAYS)
    return Period(start, end, store_zone(ctx))
