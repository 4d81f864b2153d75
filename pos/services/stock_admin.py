"""Changing stock from the back office: receiving, adjustments, low-stock thresholds.

Every change is a StockMovement (the ledger) and an outbox event in the same transaction, so it syncs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import DomainError, NotFound
from common.measure import MAX_STOCK_GRAMS, WEIGHT, parse_weight, parse_whole
from common.tables import new_id, new_seq_id
from pos.adapters.tables import LowStockThreshold, Product, StockMovement

from .auth import Actor
from .catalog import on_hand
from .context import StoreContext
from .records import audit, emit_event

# The device the back office writes events as (tills write theirs as the till id).
DEVICE = "BACKOFFICE"
# Which way each adjustment reason moves stock; the manager always types a positive quantity.
REASONS: dict[str, int] = {"damaged": -1, "expired": -1, "lost": -1, "found": 1}
MAX_QTY = 100_000
MAX_REF = 64


def find_item(session: Session, code: str) -> Product:
    """A product by what a scanner or a person typed: its barcode first, then its SKU."""
    code = (code or "").strip()
    if not code:
        raise DomainError("missing_item", "scan a barcode or type a SKU first")
    p = session.scalar(select(Product).where(or_(Product.barcode == code, Product.sku == code)))
    if p is None:
        raise NotFound(
            "unknown_item", f"barcode or SKU {code} not found: check the label or search the stock list", item=code
        )
    return p


def check_qty(qty: int, what: str = "quantity") -> int:
    if not isinstance(qty, int) or isinstance(qty, bool):
        raise DomainError("bad_quantity", f"the {what} must be a whole number", value=qty)
    if qty <= 0:
        raise DomainError("bad_quantity", f"the {what} must be more than 0 (got {qty}); nothing was changed", value=qty)
    if qty > MAX_QTY:
        raise DomainError("bad_quantity", f"the {what} cannot be more than {MAX_QTY}", value=qty)
    return qty


def typed_quantity(ctx: StoreContext, code: str, text: str | None, default: int | None = None) -> int | None:
    """A quantity as typed on a stock form for the product `code`: a whole number ("1.000" is 1000; blank is
    `default`), or a weighed product's weight in grams (kg typed such as 12,5, or grams)."""
    with ctx.db.sessions() as s:
        try:
            weighed = find_item(s, code).measure == WEIGHT
        except NotFound:
            weighed = False  # the form's own call says the product is unknown, in its own order of checks
    text = (text or "").strip()
    if not weighed:
        return parse_whole(text) if text else default
    if not text:
        raise DomainError("bad_weight", "type the weight: kg such as 12,5 or grams such as 1250")
    return parse_weight(text, counted=True)


def write_movements(session: Session, rows: list[dict[str, Any]], now: datetime) -> None:
    if (
        not rows
    ):  # an empty list would run one INSERT of defaults only (a row with no SKU): nothing moved, nothing written
        return
    session.execute(insert(StockMovement), [{**r, "created_at": now} for r in rows])


def receive(ctx: StoreContext, actor: Actor, supplier_ref: str, lines: list[tuple[str, int]]) -> dict[str, Any]:
    """Goods in from a supplier delivery: one receipt movement per line, one "stock.received" event."""
    ref = (supplier_ref or "").strip()
    if not ref:
        raise DomainError("missing_supplier_ref", "type the supplier's delivery note or invoice number first")
    if len(ref) > MAX_REF:
        raise DomainError(
            "bad_supplier_ref", f"the supplier reference is longer than {MAX_REF} characters", limit=MAX_REF
        )
    if not lines:
        raise DomainError("missing_item", "scan at least one item to receive")
    for _, qty in lines:
        check_qty(qty, "received quantity")
    now, receipt_id = ctx.clock(), new_id()
    with ctx.db.unit_of_work() as s:
        products = [find_item(s, code) for code, _ in lines]
        before = on_hand(s, sorted({p.sku for p in products}))
        running = dict(before)
        out = []
        for p, (_, qty) in zip(products, lines, strict=True):
            out.append(
                {
                    "movement_id": new_seq_id(),
                    "sku": p.sku,
                    "name": p.name,
                    "qty": qty,
                    "measure": p.measure,  # weight: grams
                    "on_hand_before": running[p.sku],
                    "on_hand_after": running[p.sku] + qty,
                }
            )
            running[p.sku] += qty
        write_movements(
            s,
            [
                {
                    "id": l["movement_id"],
                    "sku": l["sku"],
                    "qty": l["qty"],
                    "kind": "receipt",
                    "reason": ref,
                    "ref_id": receipt_id,
                    "staff_id": actor.staff_id,
                }
                for l in out
            ],
            now,
        )
        view = {
            "receipt_id": receipt_id,
            "supplier_ref": ref,
            "staff_id": actor.staff_id,
            "at": now.isoformat(),
            "lines": out,
        }
        emit_event(
            s,
            ctx,
            EventType.STOCK_RECEIVED,
            {**view, "store_id": ctx.store_id, "lines": [_event_line(l) for l in out]},
            DEVICE,
        )
    return view


def _event_line(line: dict[str, Any]) -> dict[str, Any]:
    return {k: line[k] for k in ("movement_id", "sku", "qty", "on_hand_before", "on_hand_after")}


def adjust(
    ctx: StoreContext, actor: Actor, code: str, qty: int, reason: str | None, note: str | None = None
) -> dict[str, Any]:
    """Damaged, expired or lost goods out, found goods in; the reason decides the direction."""
    reason = (reason or "").strip().lower()
    if not reason:
        raise DomainError("missing_reason", "choose a reason (damaged, expired, lost or found); nothing was changed")
    if reason not in REASONS:
        raise DomainError(
            "bad_reason", f"unknown reason {reason!r}: use damaged, expired, lost or found", reason=reason
        )
    check_qty(qty, "adjusted quantity")
    note = (note or "").strip()[:200] or None
    now, adjustment_id = ctx.clock(), new_id()
    with ctx.db.unit_of_work() as s:
        p = find_item(s, code)
        before = on_hand(s, [p.sku])[p.sku]
        delta = REASONS[reason] * qty
        if before + delta < 0:
            raise DomainError(
                "below_zero",
                f"cannot take {qty} {reason} off {p.name}: only {before} on hand. "
                "Count the shelf (stock count) if the figure is wrong",
                on_hand=before,
                name=p.name,
                qty=qty,
                measure=p.measure,
            )
        line = {
            "movement_id": new_seq_id(),
            "sku": p.sku,
            "name": p.name,
            "qty": delta,
            "measure": p.measure,  # weight: grams
            "on_hand_before": before,
            "on_hand_after": before + delta,
        }
        write_movements(
            s,
            [
                {
                    "id": line["movement_id"],
                    "sku": p.sku,
                    "qty": delta,
                    "kind": "adjustment",
                    "reason": reason,
                    "ref_id": adjustment_id,
                    "staff_id": actor.staff_id,
                }
            ],
            now,
        )
        view = {
            "adjustment_id": adjustment_id,
            "reason": reason,
            "note": note,
            "staff_id": actor.staff_id,
            "at": now.isoformat(),
            "lines": [line],
        }
        emit_event(
            s, ctx, EventType.STOCK_ADJUSTED, {**view, "store_id": ctx.store_id, "lines": [_event_line(line)]}, DEVICE
        )
        audit(
            s,
            ctx,
            "stock_adjust",
            requested_by=actor.staff_id,
            approved_by=actor.staff_id,
            ref_id=adjustment_id,
            detail={
                "sku": p.sku,
                "qty": delta,
                "reason": reason,
                "before": before,
                "after": before + delta,
                "note": note,
            },
        )
    return view


def set_threshold(
    ctx: StoreContext, actor: Actor, code: str, min_qty: int | None, typed: str | None = None
) -> dict[str, Any]:
    """Set (or with None clear) the on-hand level at or below which a product is low on stock. `typed`, when
    given, is the level as typed: a whole number, or a weighed product's weight (kg such as 5 or 2,5; grams)."""
    with ctx.db.unit_of_work() as s:
        p = find_item(s, code)
        if typed is not None:
            text = typed.strip()
            min_qty = (
                None
                if not text
                else parse_weight(text, counted=True)
                if p.measure == WEIGHT
                else parse_whole(text, "bad_threshold")
            )
        most = MAX_STOCK_GRAMS if p.measure == WEIGHT else MAX_QTY
        if min_qty is not None and (min_qty < 0 or min_qty > most):
            raise DomainError("bad_threshold", f"the low-stock level must be between 0 and {most}", value=min_qty)
        row = s.get(LowStockThreshold, p.sku)
        if min_qty is None:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(LowStockThreshold(sku=p.sku, min_qty=min_qty, updated_at=ctx.clock(), updated_by=actor.staff_id))
        else:
            row.min_qty, row.updated_at, row.updated_by = min_qty, ctx.clock(), actor.staff_id
        return {
            "sku": p.sku,
            "name": p.name,
            "min_qty": min_qty,
            "measure": p.measure,
            "on_hand": on_hand(s, [p.sku])[p.sku],
        }
