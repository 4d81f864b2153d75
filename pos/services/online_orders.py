"""Fulfilling paid online orders at this store: pick by scanning each item (short lines get a substitute at no
more than the shopper paid, or are refunded by central), pack, then hand over against the shopper's code (pickup)
or ship with courier and tracking (delivery); or cancel (central refunds in full). Works offline: each step is
local first and an outbox event to central. The stock leaves this store once, at hand-over or shipment."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common import fulfilment
from common.contract.names import EventType
from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound
from common.tables import new_id
from pos.adapters.tables import OnlineOrderCopy

from .auth import Actor
from .context import StoreContext
from .online_order_views import load, view
from .records import audit, emit_event
from .stock_admin import DEVICE, find_item, write_movements

MAX_TEXT = 200


def _need(o: OnlineOrderCopy, *statuses: str) -> None:
    if o.status in fulfilment.DONE:
        raise Conflict("order_done", f"online order {o.number} is already {o.status}", number=o.number)
    if o.status not in statuses:
        raise Conflict(
            "order_not_ready",
            f"online order {o.number} is {o.status}: this step needs it {' or '.join(statuses)}",
            number=o.number,
            status=o.status,
        )


def _save(s: Session, o: OnlineOrderCopy, ctx: StoreContext, lines: list[dict[str, Any]] | None, **values: Any) -> None:
    """Compare-and-set on the order's version: of two tills stepping the same order at once, one wins."""
    if lines is not None:
        values["lines"] = json.dumps(lines, ensure_ascii=False)
    done = s.execute(
        update(OnlineOrderCopy)
        .where(OnlineOrderCopy.id == o.id, OnlineOrderCopy.version == o.version)
        .values(version=o.version + 1, updated_at=ctx.clock(), **values)
    )
    if rowcount(done) != 1:
        raise Conflict("order_changed", f"online order {o.number} was changed at another till: open it again")


def _device(actor: Actor) -> str:
    """The till that stepped the order, or the back office (the manager screens have no till)."""
    return actor.till_id or DEVICE


def _step(
    s: Session, ctx: StoreContext, actor: Actor, o: OnlineOrderCopy, type_: str, payload: dict[str, Any], **detail: Any
) -> dict[str, Any]:
    """The step's event for central (written with it, so it syncs) and its audit entry; the order as it is now."""
    emit_event(s, ctx, type_, {"order_id": o.id, "staff_id": actor.staff_id, **payload}, _device(actor))
    audit(
        s,
        ctx,
        type_,
        till_id=actor.till_id,
        requested_by=actor.staff_id,
        ref_id=o.id,
        detail={"number": o.number, **detail},
    )
    s.flush()
    s.refresh(o)
    return view(ctx, o)


def _line(lines: list[dict[str, Any]], sku: str, number: str, name: str = "") -> dict[str, Any]:
    for l in lines:
        if l["sku"] == sku:
            return l
    item = f"{name} ({sku})" if name else sku
    raise DomainError("not_in_order", f"{item} is not in online order {number}: put it back", item=item)


def scan(ctx: StoreContext, actor: Actor, order_id: str, code: str, qty: int = 1) -> dict[str, Any]:
    """One scanned item into the pick: it must be in the order, and never more than ordered."""
    if not 1 <= qty <= 1000:
        raise DomainError("bad_quantity", "the quantity must be 1 to 1000", value=qty)
    with ctx.db.unit_of_work() as s:
        o = load(s, order_id)
        _need(o, "assigned")
        p = find_item(s, code)
        lines = json.loads(o.lines)
        line = _line(lines, p.sku, o.number, p.name)
        picked = int(line.get("picked") or 0)
        if picked + qty > int(line["qty"]):
            raise DomainError(
                "picked_too_many", f"{p.name}: the order has {line['qty']}, {picked} already picked", name=p.name
            )
        line["picked"] = picked + qty
        _save(s, o, ctx, lines)
        s.flush()
        s.refresh(o)
        return {**view(ctx, o), "scanned": {"sku": p.sku, "name": p.name}}


def substitute(ctx: StoreContext, actor: Actor, order_id: str, sku: str, code: str, qty: int) -> dict[str, Any]:
    """Another item for a short line, at no more per unit than the shopper paid; the difference is refunded."""
    with ctx.db.unit_of_work() as s:
        o = load(s, order_id)
        _need(o, "assigned")
        lines = json.loads(o.lines)
        line = _line(lines, sku, o.number)
        short = int(line["qty"]) - int(line.get("picked") or 0)
        if not code:
            line.update(substitute_sku=None, substitute_name="", substitute_qty=0, substitute_price=0)
        else:
            p = find_item(s, code)
            if p.sku in {l["sku"] for l in lines}:
                raise DomainError("substitute_in_order", f"{p.name} is already in the order: scan it into the pick")
            if not 1 <= qty <= short:
                raise DomainError("bad_quantity", f"a substitute replaces 1 to {short} missing", value=qty)
            most = fulfilment.unit_paid(int(line["net"]), int(line["qty"]))
            if p.price > most:
                raise DomainError(
                    "substitute_costs_more",
                    f"{p.name} costs {p.price}, more than the {most} the shopper paid: choose a cheaper one or refund",
                    price=p.price,
                    most=most,
                )
            line.update(substitute_sku=p.sku, substitute_name=p.name, substitute_qty=qty, substitute_price=p.price)
        _save(s, o, ctx, lines)
        s.flush()
        s.refresh(o)
        return view(ctx, o)


def finish_pick(ctx: StoreContext, actor: Actor, order_id: str) -> dict[str, Any]:
    """The pick as it stands goes to central; what is short and not substituted is refunded by central."""
    with ctx.db.unit_of_work() as s:
        o = load(s, order_id)
        _need(o, "assigned")
        lines = json.loads(o.lines)
        if not any(int(l.get("picked") or 0) or int(l.get("substitute_qty") or 0) for l in lines):
            raise DomainError("nothing_picked", "nothing is picked: scan the items, or cancel the order")
        _save(s, o, ctx, lines, status="picked")
        picks = [
            {
                "sku": l["sku"],
                "qty": int(l["qty"]),
                "picked": int(l.get("picked") or 0),
                **(
                    {"substitute_sku": l["substitute_sku"], "substitute_qty": int(l["substitute_qty"])}
                    if l.get("substitute_sku")
                    else {}
                ),
            }
            for l in lines
        ]
        return _step(s, ctx, actor, o, EventType.ONLINE_ORDER_PICKED, {"lines": picks})


def pack(ctx: StoreContext, actor: Actor, order_id: str) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        o = load(s, order_id)
        _need(o, "picked")
        _save(s, o, ctx, None, status="packed")
        return _step(s, ctx, actor, o, EventType.ONLINE_ORDER_PACKED, {})


def _leave(s: Session, ctx: StoreContext, actor: Actor, o: OnlineOrderCopy) -> list[dict[str, Any]]:
    """The picked items leave this store's stock: one movement each, the same ids in central's ledger."""
    rows = [
        {
            "id": new_id(),
            "sku": sku,
            "qty": -qty,
            "kind": "online_order",
            "reason": o.number[:64],
            "ref_id": o.id,
            "staff_id": actor.staff_id,
        }
        for sku, qty in fulfilment.leaving(json.loads(o.lines)).items()
    ]
    write_movements(s, rows, ctx.clock())
    return [{"movement_id": r["id"], "sku": r["sku"], "qty": r["qty"]} for r in rows]


def hand_over(ctx: StoreContext, actor: Actor, code_text: str, order_id: str | None = None) -> dict[str, Any]:
    """Pickup: the shopper's QR or code finds the order (offline too); it leaves the store once."""
    code = fulfilment.code_from(code_text)
    if code is None:
        raise DomainError("bad_order_code", "scan the order's QR code or type its code (like K7Q-42P)")
    with ctx.db.unit_of_work() as s:
        o = s.scalar(select(OnlineOrderCopy).where(OnlineOrderCopy.code_hash == fulfilment.code_hash(code)))
        if o is None or (order_id and o.id != order_id):
            raise NotFound("unknown_order_code", f"no online order of this store has code {code}", order_code=code)
        if o.mode != "pickup":
            raise DomainError("order_is_delivery", f"online order {o.number} is for delivery: ship it instead")
        if o.status == "collected":
            raise Conflict("already_handed_over", f"online order {o.number} was already handed over", number=o.number)
        _need(o, "packed")
        moves = _leave(s, ctx, actor, o)
        _save(s, o, ctx, None, status="collected", done_by=_device(actor))
        payload = {"code": code, "till_id": _device(actor), "lines": moves}
        return _step(s, ctx, actor, o, EventType.ONLINE_ORDER_HANDED_OVER, payload)


def ship(ctx: StoreContext, actor: Actor, order_id: str, courier: str, tracking: str) -> dict[str, Any]:
    courier, tracking = (courier or "").strip(), (tracking or "").strip()
    if not courier or len(courier) > 40:
        raise DomainError("missing_courier", "type the courier (JNE, J&T, SiCepat, GoSend ...), at most 40 characters")
    if not tracking or len(tracking) > 64:
        raise DomainError("missing_tracking", "type the tracking number (at most 64 characters)")
    with ctx.db.unit_of_work() as s:
        o = load(s, order_id)
        if o.mode != "delivery":
            raise DomainError("order_is_pickup", f"online order {o.number} is collected in store: hand it over")
        _need(o, "packed")
        moves = _leave(s, ctx, actor, o)
        _save(s, o, ctx, None, status="shipped", courier=courier, tracking=tracking, done_by=_device(actor))
        payload = {"courier": courier, "tracking": tracking, "lines": moves}
        return _step(s, ctx, actor, o, EventType.ONLINE_ORDER_SHIPPED, payload, tracking=tracking)


def cancel(ctx: StoreContext, actor: Actor, order_id: str, reason: str) -> dict[str, Any]:
    """This store cannot fulfil the order: central refunds the shopper everything through the gateway."""
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise DomainError("missing_reason", "say why the order cannot be fulfilled (at most 200 characters)")
    with ctx.db.unit_of_work() as s:
        o = load(s, order_id)
        _need(o, "assigned", "picked", "packed")
        _save(s, o, ctx, None, status="cancelled", done_by=_device(actor))
        return _step(s, ctx, actor, o, EventType.ONLINE_ORDER_CANCELLED, {"reason": reason}, reason=reason)
