"""Sales by store for head office: for a range of days, each store's (and the online shop's) transactions, sales,
refunds and net, and the chain's per day.

The rule is the stores' own report's: net is the sales completed in the range less the refunds paid out in it, each
counted on the day it happened on the store's own clock (WIB, WITA or WIT: `stores.timezone`, from its sales), as
its own daily report counts it; the online shop and a store whose zone central does not know yet on the shop's
clock. The chain's day is the sum of each place's own day. Each day is one grouped query per table over an index on
the time, by store and by the parts of the day cut where a zone's day begins (WIB, WITA, WIT: 3), so the page costs
the same for 5 stores as for 1,000, and nearly the same with 3 zones as with 1. A store's figures are only what it has
sent: a store last heard from before its own range ended (or more than 5 minutes ago, for a range up to today), or
which reported events still waiting to be sent, is marked as possibly incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, ColumnElement, Connection, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from central.tables import Refund, Sale, Store

from . import report_days, store_health
from .context import CentralContext
from .stock import location_name
from .stores import ONLINE

FIGURES = ("sales", "gross", "refunds", "refunded", "net")
HEARD_LATELY = timedelta(minutes=5)  # as the dashboard: a store not heard from for longer is behind
SHOP_CLOCK = ""  # the key of the shop's clock: the online shop's, and a store's whose zone central does not know

Between = Callable[[datetime, datetime], ColumnElement[bool]]


def _sold_between(lo: datetime, hi: datetime) -> ColumnElement[bool]:
    """Completed in [lo, hi) by the store's clock; a sale without that time (an early event version) by when it
    was recorded."""
    return or_(
        and_(Sale.completed_at >= lo, Sale.completed_at < hi),
        and_(Sale.completed_at.is_(None), Sale.recorded_at >= lo, Sale.recorded_at < hi),
    )


def _refunded_between(lo: datetime, hi: datetime) -> ColumnElement[bool]:
    return and_(Refund.created_at >= lo, Refund.created_at < hi)


_sale_time = func.coalesce(Sale.completed_at, Sale.recorded_at)  # what _sold_between's range is on
_refund_time = Refund.created_at
# The sums as bigint, as the amounts are (PostgreSQL's sum of bigint is numeric, read as a Decimal).
_sold = (func.count(), cast(func.coalesce(func.sum(Sale.total), 0), BigInteger))
_refunded = (func.count(), cast(func.coalesce(func.sum(Refund.amount), 0), BigInteger))


def _empty() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _with_net(f: dict[str, int]) -> dict[str, int]:
    f["net"] = f["gross"] - f["refunded"]
    f["basket"] = f["gross"] // f["sales"] if f["sales"] else 0
    return f


def _spans(ctx: CentralContext, clocks: dict[str, ZoneInfo], days: list[date]) -> list[list[datetime]]:
    """The range cut wherever a day begins on any clock in use (naive UTC), so each part between two cuts is on
    one day of every clock; in spans of the shop's days, one query each. WIB, WITA and WIT: a span of 24 hours in
    3 parts, the first a little longer and the last shorter."""
    after = [*days, days[-1] + timedelta(days=1)]
    cuts = sorted({report_days.begins(ctx, d, on) for d in after for on in clocks.values()})
    spans, first = [], 0
    for d in days[1:]:
        last = cuts.index(report_days.begins(ctx, d))
        spans.append(cuts[first : last + 1])
        first = last
    spans.append(cuts[first:])
    return spans


def _by_part(store_id: Any, when: Any, figures: tuple[Any, Any], between: Between, span: list[datetime]) -> Any:
    """Count and sum by store and by part of the span: one statement over the index on the time, whatever the
    zones; each store's part then goes to the day it is on that store's clock."""
    if len(span) == 2:  # every place on one clock: one part
        return select(store_id, literal(0), *figures).where(between(span[0], span[1])).group_by(store_id)
    part = case(*((when < cut, i) for i, cut in enumerate(span[1:-1])), else_=len(span) - 2).label("part")
    return select(store_id, part, *figures).where(between(span[0], span[-1])).group_by(store_id, part)


def _local_day(at: datetime, on: ZoneInfo) -> date:
    return at.replace(tzinfo=UTC).astimezone(on).date()


def _one_snapshot(s: Session) -> Connection:
    """On PostgreSQL every statement of the report reads one snapshot: the stores' zones with their sales and refunds
    (a store's first sale naming its zone, committed while the report is read, is not counted by the shop's clock
    for want of the zone), and the chain's days with its stores. SQLite's report transaction is one already."""
    if s.get_bind().dialect.name == "postgresql":
        return s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    return s.connection()


def _add_up(
    conn: Connection, ctx: CentralContext, stores: dict[str, Store], days: list[date]
) -> tuple[dict[str, dict[str, int]], dict[date, dict[str, int]]]:
    """Each store's figures over its own days of the range, and the chain's per day (each place's own day)."""
    by_store: dict[str, dict[str, int]] = {}
    by_day = {d: _empty() for d in days}
    clocks = {SHOP_CLOCK: report_days.zone(ctx)}
    clocks |= {st.timezone: report_days.zone_named(ctx, st.timezone) for st in stores.values() if st.timezone}
    clock_of = {i: st.timezone or SHOP_CLOCK for i, st in stores.items()} | {ONLINE: SHOP_CLOCK}
    for span in _spans(ctx, clocks, days):
        # the day each part is on, on each clock: None before or after the range
        on_day = {k: [by_day.get(_local_day(at, on)) for at in span[:-1]] for k, on in clocks.items()}
        queries = (
            (("sales", "gross"), _by_part(Sale.store_id, _sale_time, _sold, _sold_between, span)),
            (("refunds", "refunded"), _by_part(Refund.store_id, _refund_time, _refunded, _refunded_between, span)),
        )
        for (n, amount_of), query in queries:
            for store_id, part, count, amount in conn.execute(query).all():  # 1,000s of rows a span: kept lean
                day_figures = on_day[clock_of.get(store_id, SHOP_CLOCK)][part]
                if day_figures is None:
                    continue  # on this store's clock, a day before or after the range
                store_figures = by_store.get(store_id) or by_store.setdefault(store_id, _empty())
                store_figures[n] += count
                store_figures[amount_of] += amount
                day_figures[n] += count
                day_figures[amount_of] += amount
    return by_store, by_day


def report(ctx: CentralContext, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    start, end = report_days.day_range(ctx, start, end, default_days=7)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    shop = report_days.zone(ctx)
    with ctx.db.sessions() as s:
        conn = _one_snapshot(s)
        stores = {st.id: st for st in s.scalars(select(Store))}
        by_store, by_day = _add_up(conn, ctx, stores, days)
        online_name = location_name(s, ctx, ONLINE)
    now, noon = ctx.clock(), datetime.combine(end, time(12))
    shop_zone = report_days.abbreviation(shop, end)
    offsets = {shop_zone: shop.utcoffset(noon)}  # the clocks the report's days follow, and how far east each is
    rows: list[dict[str, Any]] = []
    for store_id in sorted(set(by_store) | {i for i, st in stores.items() if st.active}):
        st = stores.get(store_id)
        clock = shop if store_id == ONLINE or st is None else report_days.zone_named(ctx, st.timezone)
        # Heard from after its own range ended (or lately, for a range up to now) with nothing waiting: complete.
        enough = min(report_days.begins(ctx, end + timedelta(days=1), clock), now - HEARD_LATELY)
        heard = store_health.last_contact(st) if st else None
        behind = heard is None or heard < enough or bool(st and st.reported_outbox_depth)
        zone = report_days.abbreviation(clock, end)
        offsets.setdefault(zone, clock.utcoffset(noon))
        rows.append(
            {
                "id": store_id,
                "name": online_name if store_id == ONLINE else (st.name if st and st.name else store_id),
                "timezone": clock.key,
                "zone": zone,
                "heard_at": heard,
                "incomplete": behind and bool(st and st.active),
                **_with_net(by_store.get(store_id, _empty())),
            }
        )
    rows.sort(key=lambda r: (-int(r["net"]), str(r["id"])))
    totals = _with_net({k: sum(int(r[k]) for r in rows) for k in FIGURES})
    return {
        "start": start,
        "end": end,
        "shop_zone": shop_zone,
        "zones": sorted(offsets, key=lambda z: (offsets[z] or timedelta(0), z)),  # west to east: WIB, WITA, WIT
        "stores": rows,
        "days": [{"date": d, **_with_net(f)} for d, f in by_day.items()],
        "totals": totals,
        "incomplete": sum(1 for r in rows if r["incomplete"]),
    }
