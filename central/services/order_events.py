"""A store's steps on an online order it fulfils: picked (short lines refunded or substituted), packed, handed
over against the order's code (pickup) or shipped (delivery), or cancelled (refunded in full).

Central checks each step against the order it holds: only the store the order is assigned to, steps in order,
only the order's SKUs, substitutes at no more than the shopper paid, the code the shopper holds, and stock
movements that are exactly what was picked. A refund is recorded as due here and sent to the gateway after the
push commits (`order_refunds.send_due`): never a network call inside this transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import OnlineOrder, OrderRefund, Payment, Product
from central.tables.base import new_id
from common import fulfilment
from common.contract.names import EventType
from common.contract.online_events import (
    OnlineOrderCancelled,
    OnlineOrderHandedOver,
    OnlineOrderPacked,
    OnlineOrderPicked,
    OnlineOrderShipped,
)
from common.contract.stock_events import StockLine

from . import stock
from .context import CentralContext
from .feed import FeedChange
from .fulfilment import close_holds, hold, refunded, touch
from .payloads import Refused, Rejection, parse
from .stock import Movement

if TYPE_CHECKING:
    from .envelope import Event


def _order(s: Session, ev: Event, order_id: str, *, expect: tuple[str, ...]) -> OnlineOrder:
    order = s.scalar(select(OnlineOrder).where(OnlineOrder.id == order_id).with_for_update())
    if order is None or order.status in ("unpaid", "void"):
        raise Rejection("unknown_order", f"online order {order_id} is not a paid order at the central store")
    if order.store_id != ev.store_id:
        raise Refused(
            "other_store_order", f"online order {order.number} is assigned to store {order.store_id}, not this one"
        )
    if order.status not in expect:
        raise Rejection(
            "order_step_refused",
            f"online order {order.number} is {order.status}: this step needs it {' or '.join(expect)}",
        )
    return order


def _due(s: Session, ctx: CentralContext, order: OnlineOrder, amount: int, reason: str, ev: Event) -> None:
    if amount > 0:
        s.add(
            OrderRefund(
                id=new_id(),
                order_id=order.id,
                amount=amount,
                reason=reason[:200],
                state="due",
                event_id=ev.event_id,
                message="",
                created_at=ctx.clock(),
            )
        )
        s.flush()


def picked(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(OnlineOrderPicked, ev.payload)
    order = _order(s, ev, p.order_id, expect=("assigned",))
    lines = json.loads(order.lines)
    by_sku = {l["sku"]: l for l in lines}
    named = [l.sku for l in p.lines]
    if stray := sorted(set(named) - set(by_sku)):
        raise Refused("not_in_order", f"SKU {', '.join(stray[:5])} is not in online order {order.number}")
    if len(set(named)) != len(named) or set(named) != set(by_sku):
        raise Rejection("bad_pick", f"a pick of online order {order.number} names each of its lines once")
    subs = {l.substitute_sku for l in p.lines if l.substitute_sku}
    prices: dict[str, int] = {}
    if subs:
        prices = {
            sku: int(price) for sku, price in s.execute(select(Product.sku, Product.price).where(Product.sku.in_(subs)))
        }
    total_refund, notes = 0, []
    for given in p.lines:
        line = by_sku[given.sku]
        qty, net = int(line["qty"]), int(line["net"])
        if given.qty != qty or given.picked > qty:
            raise Rejection("bad_pick", f"{given.sku}: ordered {qty}, the pick says {given.qty} and {given.picked}")
        price = 0
        if given.substitute_sku:
            price = int(prices.get(given.substitute_sku, -1))
            if price < 0:
                raise Rejection("unknown_sku", f"substitute {given.substitute_sku} is not in the central catalog")
            if not 1 <= given.substitute_qty <= qty - given.picked:
                raise Rejection("bad_pick", f"{given.sku}: a substitute replaces 1 to {qty - given.picked} missing")
            if price > fulfilment.unit_paid(net, qty):
                raise Refused(
                    "substitute_costs_more",
                    f"substitute {given.substitute_sku} costs {price}, more than the {fulfilment.unit_paid(net, qty)} "
                    f"the shopper paid for one {given.sku}: offer a cheaper one or refund the line",
                )
        elif given.substitute_qty:
            raise Rejection("bad_pick", f"{given.sku}: a substitute quantity needs a substitute SKU")
        refund = fulfilment.line_refund(net, qty, given.picked, price, given.substitute_qty)
        line.update(
            picked=given.picked,
            substitute_sku=given.substitute_sku,
            substitute_name=_name(s, given.substitute_sku),
            substitute_qty=given.substitute_qty,
            substitute_price=price,
            refund=refund,
        )
        total_refund += refund
        if refund:
            notes.append(f"{given.sku} {qty - given.picked} short")
    order.lines = json.dumps(lines, ensure_ascii=False)
    order.status = "picked"
    _due(s, ctx, order, total_refund, "short pick: " + ", ".join(notes), ev)
    hold(s, ctx, order, fulfilment.leaving(lines))
    return touch(s, ctx, order)


def _name(s: Session, sku: str | None) -> str:
    return (s.scalar(select(Product.name).where(Product.sku == sku)) or "") if sku else ""


def packed(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(OnlineOrderPacked, ev.payload)
    order = _order(s, ev, p.order_id, expect=("picked",))
    order.status = "packed"
    return touch(s, ctx, order)


def _check_moves(order: OnlineOrder, given: list[StockLine]) -> None:
    """The stock leaves the store once: the movements must be exactly what was picked, each with its id."""
    moved: dict[str, int] = defaultdict(int)
    for l in given:
        if not l.movement_id or l.qty >= 0:
            raise Rejection("bad_payload", f"{l.sku}: an order's stock line is an outgoing movement with its id")
        moved[l.sku] -= l.qty
    expected = fulfilment.leaving(json.loads(order.lines))
    if dict(moved) != expected:
        raise Refused(
            "moves_not_picked", f"online order {order.number}: the stock moved {dict(moved)} is not what was picked"
        )


def _leave(s: Session, ctx: CentralContext, ev: Event, order: OnlineOrder, given: list[StockLine]) -> list[FeedChange]:
    """Checked: the movements into the store's ledger (its ids: once), the holds become the sale."""
    sale_id = s.scalar(select(Payment.sale_id).where(Payment.id == order.payment_id))
    moves = [Movement(str(l.movement_id), l.sku, l.qty, "online_order", order.number) for l in given]
    changes = stock.post(s, ctx, ev.store_id, moves, ev.event_id)
    close_holds(s, ctx, order, "converted", sale_id)
    order.done_at = ctx.clock()
    return changes + touch(s, ctx, order)


def handed_over(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(OnlineOrderHandedOver, ev.payload)
    order = _order(s, ev, p.order_id, expect=("packed",))
    if order.mode != "pickup":
        raise Rejection("order_step_refused", f"online order {order.number} is for delivery: ship it, with tracking")
    if fulfilment.code_from(p.code) != order.code:
        raise Refused("wrong_code", f"the code given for online order {order.number} is not the order's code")
    _check_moves(order, p.lines)
    order.status = "collected"
    return _leave(s, ctx, ev, order, p.lines)


def shipped(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(OnlineOrderShipped, ev.payload)
    order = _order(s, ev, p.order_id, expect=("packed",))
    if order.mode != "delivery":
        raise Rejection("order_step_refused", f"online order {order.number} is collected in store, not shipped")
    _check_moves(order, p.lines)
    order.status, order.courier, order.tracking = "shipped", p.courier.strip(), p.tracking.strip()
    return _leave(s, ctx, ev, order, p.lines)


def cancelled(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    """The store cannot fulfil it: everything the shopper paid and has not had back is refunded."""
    p = parse(OnlineOrderCancelled, ev.payload)
    order = _order(s, ev, p.order_id, expect=("assigned", "picked", "packed"))
    paid = s.scalar(select(Payment.amount).where(Payment.id == order.payment_id)) or 0
    order.status, order.done_at = "cancelled", ctx.clock()
    _due(s, ctx, order, int(paid) - refunded(s, order), "cancelled by the store: " + p.reason.strip(), ev)
    close_holds(s, ctx, order, "released")
    return touch(s, ctx, order)


HANDLERS = {
    (EventType.ONLINE_ORDER_PICKED, 1): picked,
    (EventType.ONLINE_ORDER_PACKED, 1): packed,
    (EventType.ONLINE_ORDER_HANDED_OVER, 1): handed_over,
    (EventType.ONLINE_ORDER_SHIPPED, 1): shipped,
    (EventType.ONLINE_ORDER_CANCELLED, 1): cancelled,
}
