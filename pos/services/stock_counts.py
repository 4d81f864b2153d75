"""Stock counts: start one for a category or the whole store, enter counted quantities, review, post.

The rule that keeps a count honest while the tills keep selling: a counted quantity is what was on the shelf
at the moment that item was counted, so each line keeps the ledger's on hand at that same moment. Posting adds
counted - on_hand_at_count to the ledger. Sales rung up between counting and posting are already in the
ledger and stay there; they are never overwritten by the count.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound
from common.measure import MAX_STOCK_GRAMS, WEIGHT, parse_weight, parse_whole
from common.tables import new_seq_id
from pos.adapters.tables import Category, Product, Staff, StockCount, StockCountLine

from .auth import Actor
from .catalog import on_hand
from .context import StoreContext
from .records import audit, emit_event, next_value
from .stock_admin import DEVICE, MAX_QTY, find_item, write_movements
from .stock_count_review import load_count, summary


def start_count(ctx: StoreContext, actor: Actor, category: str | None = None, note: str = "") -> dict[str, Any]:
    category = (category or "").strip() or None
    with ctx.db.unit_of_work() as s:
        if category and s.get(Category, category) is None:
            raise NotFound("unknown_category", f"category {category} does not exist", category=category)
        for other in s.scalars(select(StockCount).where(StockCount.state == "open")):
            if other.category is None or category is None or other.category == category:
                raise Conflict(
                    "count_open",
                    f"count #{other.number} ({_scope_text(other)}) is still open and covers "
                    "the same products: post or cancel it first",
                    count_id=other.id,
                    number=other.number,
                )
        count = StockCount(
            number=next_value(s, "stock_count"),
            scope="category" if category else "store",
            category=category,
            state="open",
            started_at=ctx.clock(),
            started_by=actor.staff_id,
            note=(note or "").strip()[:200],
        )
        s.add(count)
        s.flush()
        return summary(s, count)


def _scope_text(count: StockCount) -> str:
    return f"category {count.category}" if count.category else "whole store"


def _require_open(s: Session, count: StockCount) -> None:
    if count.state == "open":
        return
    who = s.get(Staff, count.closed_by) if count.closed_by else None
    raise Conflict(
        f"count_{count.state}",
        f"count #{count.number} was already {count.state}{' by ' + who.name if who else ''}; nothing was changed",
        number=count.number,
        by=who.name if who else "?",
    )


def record_count(
    ctx: StoreContext,
    actor: Actor,
    count_id: str,
    code: str,
    qty: int | None = None,
    mode: str = "add",
    typed: str | None = None,
) -> dict[str, Any]:
    """A scan adds 1 (or `qty`) to the item's counted quantity; mode "set" replaces it with a typed figure. `typed`
    is the figure as the manager typed it: a whole number, or a weighed product's weight (kg such as 12,5, or
    grams), which is always set, never added by a scan."""
    if typed is not None and typed.strip():
        return _record_typed(ctx, actor, count_id, code, typed)
    if mode not in ("add", "set"):
        raise DomainError("bad_mode", "mode is add or set")
    if qty is None:
        qty = 1 if mode == "add" else None
    if qty is None or qty < 0 or (mode == "add" and qty == 0):
        raise DomainError(
            "bad_quantity",
            "type the counted quantity (0 or more)" if mode == "set" else "a scan adds 1 or more",
            value=qty,
        )
    if qty > MAX_QTY:
        raise DomainError("bad_quantity", f"the counted quantity cannot be more than {MAX_QTY}", value=qty)
    with ctx.db.unit_of_work() as s:
        count = load_count(s, count_id)
        _require_open(s, count)
        p = _in_scope(s, count, find_item(s, code))
        if p.measure == WEIGHT:
            raise DomainError("count_by_weight", f"{p.name} is counted by weight: type the weight counted", name=p.name)
        return _write_line(s, ctx, actor, count, p, qty, mode, MAX_QTY)


def _in_scope(s: Session, count: StockCount, p: Product) -> Product:
    if count.category and p.category != count.category:
        cat = s.get(Category, count.category)
        name, name_en = (cat.name, cat.name_en or cat.name) if cat else (count.category, count.category)
        raise DomainError(
            "outside_count",
            f"{p.name} is not in category {name_en}; this count covers only {name_en}",
            name=p.name,
            category={"id": name, "en": name_en},  # as the count's page names it, in each language
        )
    return p


def _record_typed(ctx: StoreContext, actor: Actor, count_id: str, code: str, typed: str) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        count = load_count(s, count_id)
        _require_open(s, count)
        p = _in_scope(s, count, find_item(s, code))
        if p.measure == WEIGHT:
            return _write_line(s, ctx, actor, count, p, parse_weight(typed, counted=True), "set", MAX_STOCK_GRAMS)
    return record_count(ctx, actor, count_id, code, parse_whole(typed), "set")


def _write_line(
    s: Session, ctx: StoreContext, actor: Actor, count: StockCount, p: Product, qty: int, mode: str, most: int
) -> dict[str, Any]:
    line = s.scalar(select(StockCountLine).where(StockCountLine.count_id == count.id, StockCountLine.sku == p.sku))
    # The snapshot is retaken with every entry: the counted figure is "what is on the shelf now".
    now_on_hand = on_hand(s, [p.sku])[p.sku]
    if line is None:
        line = StockCountLine(
            count_id=count.id,
            sku=p.sku,
            counted=0,
            on_hand_at_count=now_on_hand,
            counted_at=ctx.clock(),
            counted_by=actor.staff_id,
        )
        s.add(line)
    line.counted = qty if mode == "set" else line.counted + qty
    if line.counted > most:
        raise DomainError("bad_quantity", f"the counted quantity cannot be more than {most}", value=line.counted)
    line.on_hand_at_count, line.counted_at, line.counted_by = now_on_hand, ctx.clock(), actor.staff_id
    return {
        "sku": p.sku,
        "name": p.name,
        "measure": p.measure,
        "counted": line.counted,
        "on_hand_at_count": now_on_hand,
        "variance": line.counted - now_on_hand,
    }


def post_count(ctx: StoreContext, actor: Actor, count_id: str) -> dict[str, Any]:
    """Write each variance as a "count" movement and one "stock.counted" event; a count posts once."""
    with ctx.db.unit_of_work() as s:
        count = load_count(s, count_id)
        _require_open(s, count)
        lines = list(
            s.scalars(select(StockCountLine).where(StockCountLine.count_id == count.id).order_by(StockCountLine.sku))
        )
        if not lines:
            raise DomainError(
                "count_empty",
                f"nothing is counted on count #{count.number} yet: scan or type the "
                "shelf quantities first, or cancel the count",
                number=count.number,
            )
        now = ctx.clock()
        # Guarded state change: a second post racing this one updates no row and is refused.
        done = s.execute(
            update(StockCount)
            .where(StockCount.id == count.id, StockCount.state == "open")
            .values(state="posted", closed_at=now, closed_by=actor.staff_id)
        )
        if rowcount(done) != 1:
            raise Conflict(
                "count_posted", f"count #{count.number} was already posted; nothing was changed", number=count.number
            )
        current = on_hand(s, [l.sku for l in lines])
        weighed = set(s.scalars(select(Product.sku).where(Product.sku.in_(current), Product.measure == WEIGHT)))
        movements: list[dict[str, Any]] = []
        out: list[dict[str, Any]] = []
        for l in lines:
            variance = l.counted - l.on_hand_at_count
            if variance:
                l.movement_id = new_seq_id()
                movements.append(
                    {
                        "id": l.movement_id,
                        "sku": l.sku,
                        "qty": variance,
                        "kind": "count",
                        "reason": f"count #{count.number}",
                        "ref_id": count.id,
                        "staff_id": actor.staff_id,
                    }
                )
            out.append(
                {
                    "sku": l.sku,
                    "counted": l.counted,
                    "on_hand_at_count": l.on_hand_at_count,
                    "variance": variance,
                    "on_hand_before": current[l.sku],
                    "on_hand_after": current[l.sku] + variance,
                    "movement_id": l.movement_id,
                    "counted_at": l.counted_at.isoformat(),
                }
            )
        if movements:
            write_movements(s, movements, now)
        view = {
            "count_id": count.id,
            "number": count.number,
            "scope": count.scope,
            "category": count.category,
            "posted_at": now.isoformat(),
            "staff_id": actor.staff_id,
            "lines": out,
            # as the count's page says it: items counted by the item, and grams of weighed goods apart (never added)
            "net_variance": sum(l["variance"] for l in out if l["sku"] not in weighed),
            "net_weight_variance": sum(l["variance"] for l in out if l["sku"] in weighed),
            "weighed_lines": sum(1 for l in out if l["sku"] in weighed),
        }
        emit_event(s, ctx, EventType.STOCK_COUNTED, {**view, "store_id": ctx.store_id}, DEVICE)
        audit(
            s,
            ctx,
            "stock_count_post",
            requested_by=actor.staff_id,
            approved_by=actor.staff_id,
            ref_id=count.id,
            detail={
                "number": count.number,
                "lines": len(out),
                "net_variance": view["net_variance"],
                "net_weight_variance": view["net_weight_variance"],
                "adjusted": len(movements),
            },
        )
    return view


def cancel_count(ctx: StoreContext, actor: Actor, count_id: str) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        count = load_count(s, count_id)
        _require_open(s, count)
        count.state, count.closed_at, count.closed_by = "cancelled", ctx.clock(), actor.staff_id
        return summary(s, count)
