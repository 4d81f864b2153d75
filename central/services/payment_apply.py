"""Applying what the gateway confirmed to one payment, under its row lock: the rank of a status only grows, so
a late, repeated or concurrent notification changes nothing; paid sells the cart (a sale at the central store
with the gateway's reference), a failure gives the held stock back, each refund is recorded once by its key."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import (
    Alert,
    CartReservation,
    OnlineCart,
    Payment,
    PaymentRefund,
    Product,
    Refund,
    Sale,
    SaleLine,
    Tender,
)
from central.tables.base import new_id

from . import feed, fulfilment, online_points, stock
from .cart_checkout import finish
from .cart_claims import transition
from .context import CentralContext
from .feed import FeedChange
from .gateway import FAILED, RANK, GatewayStatus
from .stock import Movement
from .stores import ONLINE

TENDER = "online"  # a sale paid through the gateway; the method (qris, gopay ...) is on the payment


def alert(s: Session, ctx: CentralContext, kind: str, message: str, ref: str | None = None) -> None:
    s.add(Alert(id=new_id(), store_id=ONLINE, kind=kind, event_id=ref, message=message, created_at=ctx.clock()))


def release_holds(s: Session, cart_id: str, now: datetime) -> None:
    s.execute(
        update(CartReservation)
        .where(CartReservation.cart_id == cart_id, CartReservation.state == "held")
        .values(state="released", closed_at=now)
    )


def _sale(s: Session, ctx: CentralContext, payment: Payment, now: datetime) -> str:
    priced = json.loads(payment.lines)
    lines = priced["lines"]
    groups = {p.sku: p.tax_group for p in s.scalars(select(Product).where(Product.sku.in_([l["sku"] for l in lines])))}
    sale = Sale(
        id=new_id(),
        store_id=ONLINE,
        number=payment.order_id,
        till_id="WEB",
        currency=payment.currency,
        subtotal=priced["subtotal"] + int(priced.get("delivery_fee") or 0),
        discount=priced["discount"],
        tax=priced["tax"],
        rounding=0,
        total=payment.amount,
        paid=payment.amount,
        change=0,
        event_id=payment.id,
        completed_at=now,
        recorded_at=now,
    )
    s.add(sale)
    s.flush()
    for l in lines:
        s.add(
            SaleLine(
                id=new_id(),
                sale_id=sale.id,
                sku=l["sku"],
                name=l["name"][:120],
                qty=l["qty"],
                unit_price=l["unit_price"],
                line_discount=l["discount"],
                sale_discount=0,
                net=l["net"],
                tax_group=groups.get(l["sku"], "")[:16],
            )
        )
    if fee := int(priced.get("delivery_fee") or 0):
        s.add(
            SaleLine(
                id=new_id(),
                sale_id=sale.id,
                sku=fulfilment.DELIVERY_SKU,
                name="Ongkos kirim",
                qty=1,
                unit_price=fee,
                line_discount=0,
                sale_discount=0,
                net=fee,
                tax_group="",
            )
        )
    s.add(Tender(id=new_id(), sale_id=sale.id, type=TENDER, amount=payment.amount))
    return sale.id


def _settle(s: Session, ctx: CentralContext, payment: Payment, cart: OnlineCart, st: GatewayStatus) -> None:
    now = ctx.clock()
    if cart.status != "paying":  # sold in a store meanwhile (offline from a synced copy): paid twice
        alert(
            s,
            ctx,
            "payment_double",
            f"order {payment.order_id} was paid online ({payment.amount}) but cart {cart.code} was already "
            f"{cart.status}: refund the shopper one of the two payments",
            payment.id,
        )
        return
    payment.sale_id = _sale(s, ctx, payment, now)
    payment.settled_at = now
    _, changes = finish(
        s,
        ctx,
        cart,
        (("paying",), cart.fence, None),
        channel="online",
        checkout_id=payment.id,
        total=payment.amount,
        sale_id=payment.sale_id,
        number=payment.order_id,
        paid_at=now,
        note=f"paid online: {st.payment_type or 'gateway'} {st.transaction_id or ''}".strip(),
    )
    order = fulfilment.of_payment(s, payment.id)
    if order is not None:  # a store fulfils it: its stock moves there at hand-over, once (order_events)
        changes += fulfilment.assign(s, ctx, order)
    else:
        moves = [
            Movement(new_id(), l["sku"], -l["qty"], "sale", payment.sale_id) for l in json.loads(payment.lines)["lines"]
        ]
        changes += stock.post(s, ctx, ONLINE, moves)
        changes += stock.publish(s, ctx, ONLINE)
    changes += online_points.earn(s, ctx, payment, payment.sale_id)
    feed.append(s, ctx, changes)


def _fail(s: Session, ctx: CentralContext, payment: Payment, cart: OnlineCart) -> None:
    """Expired, cancelled or denied: the held stock comes back and the cart can be changed or paid again."""
    release_holds(s, cart.id, ctx.clock())
    order = fulfilment.of_payment(s, payment.id)
    if order is not None and order.status == "unpaid":
        order.status, order.updated_at = "void", ctx.clock()
    if cart.status == "paying":
        transition(s, cart, (("paying",), cart.fence, None), status="open")


def _refunds(s: Session, ctx: CentralContext, payment: Payment, st: GatewayStatus) -> None:
    known = set(s.scalars(select(PaymentRefund.refund_key).where(PaymentRefund.payment_id == payment.id)))
    changes: list[FeedChange] = []
    for r in st.refunds:
        if not r.key or r.key in known or r.amount < 1:
            continue
        refund_id = new_id()
        count = len(known) + 1
        fact = None
        if payment.sale_id:
            fact = Refund(
                id=new_id(),
                store_id=ONLINE,
                number=f"{payment.order_id}-R{count}"[:48],
                sale_id=payment.sale_id,
                till_id="WEB",
                tender_type=TENDER,
                amount=r.amount,
                reason=r.reason[:200] or None,
                created_at=ctx.clock(),
                event_id=refund_id,
            )
            s.add(fact)
        s.add(
            PaymentRefund(
                id=refund_id,
                payment_id=payment.id,
                refund_key=r.key[:64],
                amount=r.amount,
                reason=r.reason[:200],
                refund_fact_id=fact.id if fact else None,
                created_at=ctx.clock(),
            )
        )
        known.add(r.key)
        payment.refunded += r.amount
        if fact is not None:
            changes += online_points.take_back(s, ctx, payment, fact)
    s.flush()
    if changes:
        feed.append(s, ctx, changes)


def apply(s: Session, ctx: CentralContext, payment_id: str, st: GatewayStatus) -> bool:
    """Bring the payment up to what the gateway confirmed; True if anything changed."""
    payment = s.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
    assert payment is not None
    cart = s.scalar(select(OnlineCart).where(OnlineCart.id == payment.cart_id).with_for_update())
    assert cart is not None
    before = (payment.rank, payment.refunded)
    if st.transaction_status in FAILED and payment.rank < 2:
        _fail(s, ctx, payment, cart)
    elif st.paid and payment.rank < 2:
        _settle(s, ctx, payment, cart, st)
    if st.paid and st.refunds:
        _refunds(s, ctx, payment, st)
    if st.rank > payment.rank:
        payment.status, payment.rank = st.transaction_status, RANK[st.transaction_status]
    payment.transaction_id = st.transaction_id or payment.transaction_id
    payment.payment_type = (st.payment_type or payment.payment_type or "")[:32] or None
    changed = (payment.rank, payment.refunded) != before
    if changed:
        payment.updated_at = ctx.clock()
    return changed
