"""Online orders fulfilled by a store: the shopper's choice at checkout (pickup at a store, or delivery from the
store chosen by `[shop] delivery_store` or the first with everything in stock), the order assigned to that store
when the gateway confirms payment, its stock held there until hand-over, and its copy in that store's feed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import CartReservation, Location, OnlineOrder, OrderRefund, Payment
from central.tables.base import new_id
from common import fulfilment
from common.contract.names import Topic
from common.errors import Conflict, DomainError, NotFound

from .cart_views import available, local_time
from .context import CentralContext
from .feed import FeedChange
from .stock import location_name
from .stores import ONLINE, pickup_stores

DELIVERY_SKU = "DELIVERY"  # the fee's line on the online sale and the gateway's item list


@dataclass(frozen=True)
class Choice:
    mode: str  # pickup | delivery
    store: str | None = None  # pickup: where
    customer: str = ""
    address: str = ""  # delivery: where to


def choice_from(mode: str | None, store: str | None, customer: str | None, address: str | None) -> Choice:
    """The shop form's fields: the shopper chooses pickup or delivery (a caller of `payments.start` with no choice
    still gets the online warehouse's own shipping)."""
    mode = (mode or "").strip()
    if mode not in fulfilment.MODES:
        raise DomainError("bad_mode", "choose pickup at a store or delivery")
    customer = (customer or "").strip()[:80]
    address = (address or "").strip()[:300]
    if not customer:  # the store hands a pickup over to this name, the courier delivers to it
        raise DomainError("missing_customer", "type the name the order is collected or received under")
    if mode == "pickup" and not (store or "").strip():
        raise DomainError("missing_store", "choose the store to collect the order from")
    if mode == "delivery" and len(address) < 8:
        raise DomainError("missing_address", "type the delivery address (street, number, city)")
    return Choice(mode, (store or "").strip()[:32] or None, customer, address if mode == "delivery" else "")


def _stores(s: Session) -> list[str]:
    return list(s.scalars(select(Location.code).where(Location.kind == "store").order_by(Location.code)))


def where(s: Session, ctx: CentralContext, choice: Choice | None, lines: list[dict[str, Any]], cart_id: str) -> str:
    """The location whose stock the order is held at and sold from."""
    if choice is None:
        return ONLINE
    if choice.mode == "pickup":
        if choice.store not in pickup_stores(s):
            raise NotFound("unknown_store", f"there is no store {choice.store} to collect from", store=choice.store)
        assert choice.store is not None
        return choice.store
    if ctx.config.shop.delivery_store:
        return ctx.config.shop.delivery_store
    spare = available(s, ctx.clock(), [l["sku"] for l in lines], exclude_cart=cart_id)
    for code in _stores(s):
        if all(spare.get((code, l["sku"]), 0) >= l["qty"] for l in lines):
            return code
    raise Conflict("delivery_out_of_stock", "no store has everything in this order in stock to deliver it")


def fee(ctx: CentralContext, choice: Choice | None) -> int:
    return ctx.config.shop.delivery_fee if choice is not None and choice.mode == "delivery" else 0


def open_order(
    s: Session, payment: Payment, choice: Choice, store: str, delivery_fee: int, lines: list[dict[str, Any]]
) -> OnlineOrder:
    """The order waiting for its payment (unpaid): nothing reaches a store before the gateway confirms."""
    while True:
        code = fulfilment.new_handover_code()
        if s.scalar(select(OnlineOrder.id).where(OnlineOrder.code == code)) is None:
            break
    keep = ("sku", "name", "qty", "unit_price", "net")
    order = OnlineOrder(
        id=new_id(),
        payment_id=payment.id,
        cart_id=payment.cart_id,
        number=payment.order_id,
        mode=choice.mode,
        store_id=store,
        status="unpaid",
        code=code,
        customer=choice.customer,
        address=choice.address,
        delivery_fee=delivery_fee,
        lines=json.dumps([{k: l[k] for k in keep} for l in lines], ensure_ascii=False),
        version=0,
        created_at=payment.created_at,
        updated_at=payment.created_at,
    )
    s.add(order)
    return order


def of_payment(s: Session, payment_id: str) -> OnlineOrder | None:
    return s.scalar(select(OnlineOrder).where(OnlineOrder.payment_id == payment_id).with_for_update())


def hold(s: Session, ctx: CentralContext, order: OnlineOrder, qty_by_sku: dict[str, int]) -> None:
    """The order's stock held at its store until hand-over (replacing its earlier holds)."""
    now = ctx.clock()
    s.execute(
        update(CartReservation)
        .where(CartReservation.cart_id == order.cart_id, CartReservation.state == "held")
        .values(state="released", closed_at=now)
    )
    until = now + timedelta(days=ctx.config.shop.fulfil_days)
    for sku, qty in sorted(qty_by_sku.items()):
        if qty > 0:
            s.add(
                CartReservation(
                    id=new_id(),
                    cart_id=order.cart_id,
                    location=order.store_id,
                    sku=sku,
                    qty=qty,
                    state="held",
                    expires_at=until,
                    created_at=now,
                )
            )
    s.flush()


def close_holds(s: Session, ctx: CentralContext, order: OnlineOrder, state: str, sale_id: str | None = None) -> None:
    s.execute(
        update(CartReservation)
        .where(CartReservation.cart_id == order.cart_id, CartReservation.state == "held")
        .values(state=state, closed_at=ctx.clock(), sale_id=sale_id)
    )


def assign(s: Session, ctx: CentralContext, order: OnlineOrder) -> list[FeedChange]:
    """Paid: the order goes to its store (its feed) with its stock held there."""
    order.status = "assigned"
    hold(s, ctx, order, {l["sku"]: l["qty"] for l in json.loads(order.lines)})
    return touch(s, ctx, order)


def touch(s: Session, ctx: CentralContext, order: OnlineOrder) -> list[FeedChange]:
    """A step happened: the order's new copy to its store's feed (the shop's page polls the row itself)."""
    order.version += 1
    order.updated_at = ctx.clock()
    s.flush()
    copy = feed_copy(order, refunded(s, order))
    return [FeedChange(Topic.ONLINE_ORDER, order.id, copy, only_store=order.store_id)]


def refunded(s: Session, order: OnlineOrder) -> int:
    return int(
        sum(
            s.scalars(select(OrderRefund.amount).where(OrderRefund.order_id == order.id, OrderRefund.state != "failed"))
        )
    )


def feed_copy(order: OnlineOrder, refunded_amount: int = 0) -> dict[str, Any]:
    lines = json.loads(order.lines)
    goods = sum(int(l["net"]) for l in lines)
    return {
        "id": order.id,
        "number": order.number,
        "mode": order.mode,
        "status": order.status,
        "code_hash": fulfilment.code_hash(order.code),
        "lines": lines,
        "total": goods + order.delivery_fee,
        "delivery_fee": order.delivery_fee,
        "refunded": refunded_amount,
        "customer": order.customer,
        "address": order.address,
        "courier": order.courier,
        "tracking": order.tracking,
        "paid_at": order.created_at.isoformat(),
    }


def order_view(s: Session, ctx: CentralContext, order: OnlineOrder) -> dict[str, Any]:
    """What the shopper's order page shows (the hand-over code is the shopper's: only this page has it)."""
    return {
        **feed_copy(order, refunded(s, order)),
        "code": order.code,
        "qr_payload": fulfilment.qr_payload(order.code),
        "store_id": order.store_id,
        "store_name": location_name(s, ctx, order.store_id),
        "version": order.version,
        "updated_at_local": local_time(ctx, order.updated_at, "%d/%m/%Y %H:%M"),
        "refunds": [
            {"amount": r.amount, "reason": r.reason, "state": r.state}
            for r in s.scalars(select(OrderRefund).where(OrderRefund.order_id == order.id))
        ],
    }


def for_shopper(ctx: CentralContext, number: str, cart_id: str | None) -> dict[str, Any] | None:
    """The order behind a payment, for the session whose cart it was (None: no store fulfils this payment)."""
    with ctx.db.sessions() as s:
        order = s.scalar(select(OnlineOrder).where(OnlineOrder.number == number[:50]))
        if order is None or cart_id is None or order.cart_id != cart_id:
            return None
        return order_view(s, ctx, order)
