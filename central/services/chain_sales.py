"""Sales by store for head office: for a range of days on the shop's clock, each store's (and the online shop's)
transactions, sales, refunds and net, and the chain's per day.

The rule is the stores' own report's: net is the sales completed in the range less the refunds paid out in it, each
counted on the day it happened. Each day is one grouped query per table over an index on the time, so the page
costs the same for 5 stores as for 1,000. A store's figures are only what it has sent: a store last heard from before
the range ended (or more than 5 minutes ago, for a range up to today), or which reported events still waiting to
be sent, is marked as possibly incomplete.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from central.tables import Refund, Sale, Store

from . import report_days, store_health
from .context import CentralContext
from .stock import location_name
from .stores import ONLINE

FIGURES = ("sales", "gross", "refunds", "refunded", "net")
HEARD_LATELY = timedelta(minutes=5)  # as the dashboard: a store not heard from for longer is behind


def _sold_between(lo: datetime, hi: datetime) -> ColumnElement[bool]:
    """Completed in [lo, hi) by the store's clock; a sale without that time (an early event version) by when it
    was recorded."""
    return or_(
        and_(Sale.completed_at >= lo, Sale.completed_at < hi),
        and_(Sale.completed_at.is_(None), Sale.recorded_at >= lo, Sale.recorded_at < hi),
    )


def _empty() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _with_net(f: dict[str, int]) -> dict[str, int]:
    f["net"] = f["gross"] - f["refunded"]
    f["basket"] = f["gross"] // f["sales"] if f["sales"] else 0
    return f


def report(ctx: CentralContext, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    start, end = report_days.day_range(ctx, start, end, default_days=7)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    by_store: dict[str, dict[str, int]] = {}
    by_day = {d: _empty() for d in days}
    with ctx.db.sessions() as s:
        for day in days:
            lo, hi = report_days.begins(ctx, day), report_days.begins(ctx, day + timedelta(days=1))
            sold = select(Sale.store_id, func.count(), func.coalesce(func.sum(Sale.total), 0))
            refunded = select(Refund.store_id, func.count(), func.coalesce(func.sum(Refund.amount), 0))
            for figures, query in (
                (("sales", "gross"), sold.where(_sold_between(lo, hi)).group_by(Sale.store_id)),
                (
                    ("refunds", "refunded"),
                    refunded.where(Refund.created_at >= lo, Refund.created_at < hi).group_by(Refund.store_id),
                ),
            ):
                for store_id, count, amount in s.execute(query):
                    for into in (by_store.setdefault(store_id, _empty()), by_day[day]):
                        into[figures[0]] += int(count)
                        into[figures[1]] += int(amount)
        stores = {st.id: st for st in s.scalars(select(Store))}
        online_name = location_name(s, ctx, ONLINE)
    # Heard from after the range ended (or lately, for a range up to now) with nothing waiting to be sent: complete.
    enough = min(report_days.begins(ctx, end + timedelta(days=1)), ctx.clock() - HEARD_LATELY)
    rows: list[dict[str, Any]] = []
    for store_id in sorted(set(by_store) | {i for i, st in stores.items() if st.active}):
        st = stores.get(store_id)
        heard = store_health.last_contact(st) if st else None
        behind = heard is None or heard < enough or bool(st and st.reported_outbox_depth)
        rows.append(
            {
                "id": store_id,
                "name": online_name if store_id == ONLINE else (st.name if st and st.name else store_id),
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
        "stores": rows,
        "days": [{"date": d, **_with_net(f)} for d, f in by_day.items()],
        "totals": totals,
        "incomplete": sum(1 for r in rows if r["incomplete"]),
    }
