"""The days a head-office report covers: calendar days on the shop's clock (`[shop] timezone`, WIB by default) or on
a store's own clock, at most MAX_DAYS of them, and the UTC instants where each begins (stored times are naive UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from common.errors import DomainError

from .context import CentralContext

MAX_DAYS = 92


def zone(ctx: CentralContext) -> ZoneInfo:
    try:
        return ZoneInfo(ctx.config.shop.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_named(ctx: CentralContext, name: str | None) -> ZoneInfo:
    """A store's clock by its IANA name; the shop's for a store whose zone is unknown (none sent yet, or a name
    this host's time zone database no longer knows)."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return zone(ctx)


def today(ctx: CentralContext) -> date:
    """Today on the shop's clock (a typed day without a year is in its year)."""
    return ctx.clock().replace(tzinfo=UTC).astimezone(zone(ctx)).date()


def day_range(ctx: CentralContext, start: date | None, end: date | None, default_days: int) -> tuple[date, date]:
    """The range asked for; a missing end is today, a missing start `default_days` before it (counting both)."""
    today = datetime.now(UTC).astimezone(zone(ctx)).date() if start is None or end is None else None
    end = end or today or date.today()
    start = start or end - timedelta(days=default_days - 1)
    if start > end:
        raise DomainError("bad_range", "the first day comes after the last")
    if (end - start).days >= MAX_DAYS:
        raise DomainError("range_too_long", f"a report covers at most {MAX_DAYS} days")
    return start, end


def begins(ctx: CentralContext, day: date, on: ZoneInfo | None = None) -> datetime:
    """The naive UTC instant at which `day` begins on the shop's clock (or on the clock `on`)."""
    return datetime.combine(day, time.min, on or zone(ctx)).astimezone(UTC).replace(tzinfo=None)


def abbreviation(on: ZoneInfo, day: date) -> str:
    """The zone as people say it on `day` (WIB, WITA, WIT; "+08" for a zone without a name)."""
    return datetime.combine(day, time(12), on).tzname() or str(on)
