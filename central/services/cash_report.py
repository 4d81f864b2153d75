"""Head office's view of the cash the stores' tills moved in and out of their drawers (`/admin/cash`): one store's
moves over a range of its own days, and the totals by reason."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from central.tables import CashMoveRecord, Store
from common.errors import NotFound

from . import report_days
from .context import CentralContext

MAX_ROWS = 2000  # moves listed on the page; the totals and the CSV count every one


def report(
    ctx: CentralContext,
    store_id: str | None,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = MAX_ROWS,
) -> dict[str, Any]:
    """The store's moves from `start` to `end` (its own days, the last 7 by default), oldest first, and their totals
    by reason; no store named: the first store. `limit` None: every move (the CSV)."""
    start, end = report_days.day_range(ctx, start, end, default_days=7)
    with ctx.db.sessions() as s:
        stores = [(i, n or i) for i, n in s.execute(select(Store.id, Store.name).order_by(Store.id))]
        store_id = store_id or (stores[0][0] if stores else None)
        st = s.get(Store, store_id) if store_id else None
        if store_id and st is None:
            raise NotFound("unknown_store", f"store {store_id} is not known here", store=store_id)
        clock = report_days.zone_named(ctx, st.timezone if st else None)
        lo = report_days.begins(ctx, start, clock)
        hi = report_days.begins(ctx, end + timedelta(days=1), clock)
        where = (CashMoveRecord.store_id == store_id, CashMoveRecord.moved_at >= lo, CashMoveRecord.moved_at < hi)
        moves = s.scalars(
            select(CashMoveRecord).where(*where).order_by(CashMoveRecord.moved_at, CashMoveRecord.id).limit(limit)
        ).all()
        rows = [_row(m, clock) for m in moves]
        grouped = [
            (str(r), str(d), int(c), int(a))
            for r, d, c, a in s.execute(
                select(CashMoveRecord.reason, CashMoveRecord.direction, func.count(), func.sum(CashMoveRecord.amount))
                .where(*where)
                .group_by(CashMoveRecord.reason, CashMoveRecord.direction)
                .order_by(CashMoveRecord.direction.desc(), CashMoveRecord.reason)  # out first, as the Z lists them
            )
        ]
    out = sum(a for _, d, _, a in grouped if d == "out")
    in_ = sum(a for _, d, _, a in grouped if d == "in")
    count = sum(c for _, _, c, _ in grouped)
    return {
        "store_id": store_id,
        "stores": stores,
        "start": start,
        "end": end,
        "zone": report_days.abbreviation(clock, end),
        "moves": rows,
        "more": count - len(rows),
        "by_reason": [{"reason": r, "direction": d, "count": c, "amount": a} for r, d, c, a in grouped],
        "totals": {"count": count, "out": out, "in": in_, "net": in_ - out},
    }


def _row(m: CashMoveRecord, clock: ZoneInfo) -> dict[str, Any]:
    return {
        "id": m.id,
        "at": m.moved_at.replace(tzinfo=UTC).astimezone(clock).strftime("%d/%m/%Y %H:%M"),  # the store's clock
        "till_id": m.till_id,
        "shift_id": m.shift_id,
        "direction": m.direction,
        "reason": m.reason,
        "amount": m.amount,
        "note": m.note or "",
        "cashier": m.staff_name or m.staff_id,  # a name; the id for a move sent before names were
        "manager": m.approver_name or m.approved_by or "",
    }
