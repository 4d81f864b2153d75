"""Online orders this store fulfils as the screens and the till see them: the open and finished lists, one order
with its pick (what is short, what a substitute costs, what central will refund)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import fulfilment
from common.errors import NotFound
from pos.adapters.tables import OnlineOrderCopy

from .context import StoreContext
from .store_time import to_local


def view(ctx: StoreContext, o: OnlineOrderCopy) -> dict[str, Any]:
    lines = json.loads(o.lines)
    for l in lines:
        l.setdefault("picked", 0)
        l["short"] = int(l["qty"]) - int(l["picked"])
        l["refund"] = fulfilment.line_refund(
            int(l["net"]),
            int(l["qty"]),
            int(l["picked"]),
            int(l.get("substitute_price") or 0),
            int(l.get("substitute_qty") or 0),
        )
    return {
        "id": o.id,
        "number": o.number,
        "mode": o.mode,
        "status": o.status,
        "lines": lines,
        "items": sum(int(l["qty"]) for l in lines),
        "picked_items": sum(int(l["picked"]) + int(l.get("substitute_qty") or 0) for l in lines),
        "refund_due": sum(l["refund"] for l in lines),
        "total": o.total,
        "delivery_fee": o.delivery_fee,
        "refunded": o.refunded,
        "customer": o.customer,
        "address": o.address,
        "courier": o.courier,
        "tracking": o.tracking,
        "paid_at": o.paid_at.isoformat() if o.paid_at else None,
        "paid_at_local": to_local(ctx, o.paid_at) if o.paid_at else None,  # the store's wall clock, for the screens
        "updated_at": o.updated_at.isoformat(),
        "done_by": o.done_by,
    }


def orders(ctx: StoreContext, done: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """The orders this store fulfils: open ones first-paid first, or the latest finished ones."""
    with ctx.db.sessions() as s:
        stmt = select(OnlineOrderCopy)
        if done:
            stmt = stmt.where(OnlineOrderCopy.status.in_(fulfilment.DONE)).order_by(OnlineOrderCopy.updated_at.desc())
        else:
            stmt = stmt.where(OnlineOrderCopy.status.not_in(fulfilment.DONE)).order_by(OnlineOrderCopy.paid_at)
        return [view(ctx, o) for o in s.scalars(stmt.limit(limit))]


def get(ctx: StoreContext, order_id: str) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        return view(ctx, load(s, order_id))


def load(s: Session, order_id: str) -> OnlineOrderCopy:
    o = s.get(OnlineOrderCopy, (order_id or "")[:36])
    if o is None:
        raise NotFound("unknown_order", f"online order {order_id} is not one of this store's orders")
    return o
