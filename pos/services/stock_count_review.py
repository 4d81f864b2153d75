"""Reading stock counts: the list, and one count under review (each counted line's variance, what posting would
leave, what is not counted yet). Counting and posting are in stock_counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.errors import NotFound
from common.measure import WEIGHT, line_gross
from pos.adapters.tables import Product, Staff, StockCount, StockCountLine

from .catalog import on_hand
from .context import StoreContext
from .stock_admin import find_item


def load_count(s: Session, count_id: str) -> StockCount:
    count = s.get(StockCount, count_id)
    if count is None:
        raise NotFound("unknown_count", f"stock count {count_id} not found")
    return count


def summary(s: Session, count: StockCount) -> dict[str, Any]:
    lines = s.scalar(select(func.count(StockCountLine.id)).where(StockCountLine.count_id == count.id)) or 0
    staff = {
        x.id: x.name
        for x in s.scalars(select(Staff).where(Staff.id.in_([i for i in (count.started_by, count.closed_by) if i])))
    }
    return {
        "id": count.id,
        "number": count.number,
        "scope": count.scope,
        "category": count.category,
        "state": count.state,
        "note": count.note,
        "started_at": count.started_at,
        "started_by": staff.get(count.started_by, ""),
        "closed_at": count.closed_at,
        "closed_by": staff.get(count.closed_by or "", ""),
        "lines": int(lines),
    }


def list_counts(ctx: StoreContext, limit: int = 100) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        counts = s.scalars(select(StockCount).order_by(StockCount.number.desc()).limit(limit))
        return [summary(s, c) for c in counts]


def count_review(ctx: StoreContext, count_id: str) -> dict[str, Any]:
    """The count with every counted line (variance, on hand now, after posting) and what is not counted yet."""
    with ctx.db.sessions() as s:
        count = load_count(s, count_id)
        lines = list(
            s.scalars(
                select(StockCountLine)
                .where(StockCountLine.count_id == count.id)
                .order_by(StockCountLine.counted_at.desc())
            )
        )
        scope = select(Product).where(Product.active.is_(True))
        if count.category:
            scope = scope.where(Product.category == count.category)
        products = {p.sku: p for p in s.scalars(scope.order_by(Product.name))}
        for l in lines:
            if l.sku not in products:
                products[l.sku] = find_item(s, l.sku)
        now = on_hand(s, list(products))
        counted = {l.sku for l in lines}
        rows = []
        for l in lines:
            p = products[l.sku]
            variance = l.counted - l.on_hand_at_count
            after = now[l.sku] + variance if count.state == "open" else now[l.sku]
            rows.append(
                {
                    "sku": l.sku,
                    "barcode": p.barcode,
                    "name": p.name,
                    "measure": p.measure,  # weight: counted, on hand and variance in grams
                    "counted": l.counted,
                    "on_hand_at_count": l.on_hand_at_count,
                    "variance": variance,
                    "on_hand_now": now[l.sku],
                    "after_post": after,
                    "value": line_gross(p.price, variance, p.measure),
                    "counted_at": l.counted_at,
                }
            )
        missing = [
            {"sku": p.sku, "barcode": p.barcode, "name": p.name, "on_hand_now": now[p.sku], "measure": p.measure}
            for sku, p in products.items()
            if sku not in counted
        ]
        return {
            **summary(s, count),
            "rows": rows,
            "not_counted": missing,
            "net_variance": sum(r["variance"] for r in rows if r["measure"] != WEIGHT),  # items sold by the item
            "weighed_lines": sum(1 for r in rows if r["measure"] == WEIGHT),
            "net_weight_variance": sum(r["variance"] for r in rows if r["measure"] == WEIGHT),  # grams, shown in kg
            "value_variance": sum(r["value"] for r in rows),
        }
