"""Reading stock for the manager: the stock list, one product's ledger, low stock, stock elsewhere, unsynced moves."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from pos.adapters.tables import Category, LowStockThreshold, OutboxEvent, Product, RemoteStock, Staff, StockMovement

from .catalog import on_hand
from .context import StoreContext
from .stock_admin import find_item

MAX_ROWS = 1000
# Outbox event types whose payload lines move stock, and the sign of the line quantity.
_STOCK_EVENTS = {
    EventType.SALE_COMPLETED: -1,
    EventType.REFUND_COMPLETED: 1,
    EventType.STOCK_RECEIVED: 1,
    EventType.STOCK_ADJUSTED: 1,
    EventType.STOCK_COUNTED: 1,
    EventType.TRANSFER_SENT: -1,
    EventType.TRANSFER_RECEIVED: 1,
}


def _all_on_hand(s: Session) -> dict[str, int]:
    return {
        sku: int(q or 0)
        for sku, q in s.execute(select(StockMovement.sku, func.sum(StockMovement.qty)).group_by(StockMovement.sku))
    }


def unsynced_by_sku(s: Session) -> dict[str, int]:
    """Net quantity per SKU in outbox events the central store has not acknowledged yet."""
    out: dict[str, int] = defaultdict(int)
    rows = s.execute(
        select(OutboxEvent.type, OutboxEvent.payload).where(
            OutboxEvent.acked_at.is_(None), OutboxEvent.type.in_(list(_STOCK_EVENTS))
        )
    )
    for type_, payload in rows:
        sign = _STOCK_EVENTS[type_]
        for line in json.loads(payload).get("lines", []):
            qty = line.get("variance", line.get("qty", 0)) if type_ == EventType.STOCK_COUNTED else line.get("qty", 0)
            if line.get("sku") and qty:
                out[line["sku"]] += sign * int(qty)
    return {k: v for k, v in out.items() if v}


def _remote(s: Session, skus: list[str] | None = None) -> dict[str, dict[str, int]]:
    stmt = select(RemoteStock)
    if skus is not None:
        stmt = stmt.where(RemoteStock.sku.in_(skus))
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in s.scalars(stmt):
        out[r.sku][r.location] = r.qty
    return out


def remote_locations(s: Session) -> list[dict[str, Any]]:
    """Other stores and the online shop we hold figures for, with the age of the newest figure."""
    rows = s.execute(
        select(RemoteStock.location, func.max(RemoteStock.location_name), func.max(RemoteStock.as_of))
        .group_by(RemoteStock.location)
        .order_by(RemoteStock.location)
    )
    return [{"location": loc, "name": name or loc, "as_of": as_of} for loc, name, as_of in rows]


def categories(ctx: StoreContext) -> list[dict[str, str]]:
    with ctx.db.sessions() as s:
        return [
            {"code": c.code, "name": c.name, "name_en": c.name_en}
            for c in s.scalars(select(Category).order_by(Category.name))
        ]


def stock_list(ctx: StoreContext, q: str = "", category: str = "", only_low: bool = False) -> dict[str, Any]:
    """Products with on hand, low-stock level, unsynced net movement and stock at other stores and online."""
    with ctx.db.sessions() as s:
        stmt = select(Product).where(Product.active.is_(True))
        for word in (q or "").split()[:5]:
            stmt = stmt.where(
                or_(Product.name.ilike(f"%{word}%"), Product.sku.ilike(f"%{word}%"), Product.barcode == word)
            )
        if category:
            stmt = stmt.where(Product.category == category)
        products = list(s.scalars(stmt.order_by(Product.name)))
        stock, unsynced = _all_on_hand(s), unsynced_by_sku(s)
        levels = {t.sku: t.min_qty for t in s.scalars(select(LowStockThreshold))}
        remote, locations = _remote(s), remote_locations(s)
        rows = []
        for p in products:
            have, level = stock.get(p.sku, 0), levels.get(p.sku)
            low = have < 0 or (level is not None and have <= level)
            if only_low and not low:
                continue
            rows.append(
                {
                    "sku": p.sku,
                    "barcode": p.barcode,
                    "name": p.name,
                    "category": p.category,
                    "price": p.price,
                    "measure": p.measure,  # weight: every figure of the row is grams (shown as kg)
                    "on_hand": have,
                    "min_qty": level,
                    "low": low,
                    "unsynced": unsynced.get(p.sku, 0),
                    "remote": remote.get(p.sku, {}),
                    "remote_total": sum(remote.get(p.sku, {}).values()),
                }
            )
        return {"rows": rows[:MAX_ROWS], "total": len(rows), "truncated": len(rows) > MAX_ROWS, "locations": locations}


def low_stock(ctx: StoreContext) -> list[dict[str, Any]]:
    """Products at or below their level, or below zero, emptiest first, with how many to order back to the level."""
    rows = stock_list(ctx, only_low=True)["rows"]
    for r in rows:
        r["shortfall"] = max(0, (r["min_qty"] or 0) - r["on_hand"])
    return sorted(rows, key=lambda r: (r["on_hand"] - (r["min_qty"] or 0), r["name"]))


def below_zero(ctx: StoreContext) -> list[dict[str, Any]]:
    """Products the ledger says are below zero: sold with no stock recorded (to count or reconcile)."""
    with ctx.db.sessions() as s:
        negative = {k: v for k, v in _all_on_hand(s).items() if v < 0}
        names = {p.sku: p.name for p in s.scalars(select(Product).where(Product.sku.in_(list(negative))))}
        return [{"sku": k, "name": names.get(k, k), "on_hand": v} for k, v in sorted(negative.items())]


def product_detail(ctx: StoreContext, code: str, limit: int = 200) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        p = find_item(s, code)
        moves = list(
            s.scalars(
                select(StockMovement)
                .where(StockMovement.sku == p.sku)
                .order_by(StockMovement.created_at.desc(), StockMovement.seq.desc())  # newest first
                .limit(limit)
            )
        )
        staff = {x.id: x.name for x in s.scalars(select(Staff))}
        level = s.get(LowStockThreshold, p.sku)
        have = on_hand(s, [p.sku])[p.sku]
        # The running balance after each movement, newest first: start from on hand and walk back.
        balance, ledger = have, []
        for m in moves:
            ledger.append(
                {
                    "id": m.id,
                    "at": m.created_at,
                    "kind": m.kind,
                    "reason": m.reason,
                    "qty": m.qty,
                    "balance": balance,
                    "measure": p.measure,
                    "ref_id": m.ref_id,
                    "staff": staff.get(m.staff_id or "", ""),
                }
            )
            balance -= m.qty
        locations = {l["location"]: l for l in remote_locations(s)}
        remote = [
            {"location": loc, "name": locations.get(loc, {}).get("name", loc), "qty": qty}
            for loc, qty in sorted(_remote(s, [p.sku]).get(p.sku, {}).items())
        ]
        cat = s.get(Category, p.category) if p.category else None
        return {
            "sku": p.sku,
            "barcode": p.barcode,
            "name": p.name,
            "category": p.category,
            "category_name": cat.name if cat else "",
            "price": p.price,
            "measure": p.measure,  # weight: on hand, levels and movements in grams (shown as kg)
            "on_hand": have,
            "min_qty": level.min_qty if level else None,
            "unsynced": unsynced_by_sku(s).get(p.sku, 0),
            "movements": ledger,
            "remote": remote,
        }


def receipts_for(ctx: StoreContext, supplier_ref: str, limit: int = 200) -> list[dict[str, Any]]:
    """What has been received so far against one supplier reference (the delivery being checked in)."""
    ref = (supplier_ref or "").strip()
    if not ref:
        return []
    with ctx.db.sessions() as s:
        rows = s.execute(
            select(StockMovement, Product.name, Product.measure)
            .join(Product, Product.sku == StockMovement.sku)
            .where(StockMovement.kind == "receipt", StockMovement.reason == ref)
            .order_by(StockMovement.created_at.desc(), StockMovement.seq)  # a delivery's lines as typed
            .limit(limit)
        )
        return [  # measure: a weighed product's qty is grams, shown as kg
            {"at": m.created_at, "sku": m.sku, "name": name, "qty": m.qty, "measure": measure}
            for m, name, measure in rows
        ]
