"""Online payment of a shop cart through the gateway port. The central store believes a payment only after a
status check with the gateway: a notification must be signed and match the order, and only starts that check;
the shopper's return from the gateway page starts one too. No call to the gateway happens inside a transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import CartReservation, OnlineCart, OnlineOrder, Payment, PaymentRefund, Store
from central.tables.base import new_id
from common.errors import Conflict, DomainError, NotFound

from . import fulfilment, online_points
from .cart_claims import locked, refuse_unless_open, transition
from .cart_views import available, cart_json, local_time, status_of
from .context import CentralContext
from .fulfilment import Choice
from .gateway import PAID, RANK, GatewayError, GatewayStatus, Item, PaymentGateway
from .payment_apply import alert, apply, release_holds
from .stores import ONLINE

HOLD_GRACE = timedelta(minutes=10)  # stock stays held a little past the page's expiry, until the gateway says so


def gateway(ctx: CentralContext) -> PaymentGateway:
    if ctx.gateway is None:
        raise GatewayError("gateway_not_configured", "online payment is not set up at this central store")
    return ctx.gateway


def payment_json(ctx: CentralContext, p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "order_id": p.order_id,
        "cart_id": p.cart_id,
        "amount": p.amount,
        "status": p.status,
        "paid": p.status in PAID,
        "refunded": p.refunded,
        "payment_type": p.payment_type,
        "transaction_id": p.transaction_id,
        "sale_id": p.sale_id,
        "redirect_url": p.redirect_url if p.rank < 2 else None,
        "expires_at_local": local_time(ctx, p.expires_at),
        "created_at": p.created_at.isoformat(),
    }


def _hold(
    s: Session, ctx: CentralContext, cart: OnlineCart, lines: list[dict[str, Any]], until: Any, location: str = ONLINE
) -> None:
    """All of every line at the location that sells it (the online shop's stock, or the fulfilling store's), or a
    clear refusal naming what is short."""
    now = ctx.clock()
    spare = available(s, now, [l["sku"] for l in lines], exclude_cart=cart.id)
    short = [
        [l["name"], spare.get((location, l["sku"]), 0)] for l in lines if spare.get((location, l["sku"]), 0) < l["qty"]
    ]
    if short:
        said = ", ".join(f"{name} ({left} left)" for name, left in short)
        raise Conflict("out_of_stock", "not enough in stock to pay online for: " + said, short=short)
    release_holds(s, cart.id, now)
    for l in lines:
        s.add(
            CartReservation(
                id=new_id(),
                cart_id=cart.id,
                location=location,
                sku=l["sku"],
                qty=l["qty"],
                state="held",
                expires_at=until,
                created_at=now,
            )
        )


def _begin(
    ctx: CentralContext, cart_id: str, choice: Choice | None, member_id: str | None
) -> tuple[str, str, int, list[Item]]:
    """Lock the cart, hold its stock and mark it paying (it cannot change until the gateway answers); the order
    earns points on `member_id`'s card when paid."""
    with ctx.db.unit_of_work() as s:
        cart = locked(s, OnlineCart.id == cart_id)
        if cart is not None and cart.status == "paying":
            raise Conflict("cart_paying", f"cart {cart.code} is already being paid online")
        refuse_unless_open(s, ctx, cart, cart_id)
        assert cart is not None
        state = status_of(cart, ctx.clock())
        if state == "claimed":
            raise Conflict("cart_in_store", f"cart {cart.code} is being paid in a store right now")
        view = cart_json(s, ctx, cart)
        sold = [l for l in view["lines"] if l["sold"]]
        if not sold:
            raise DomainError("empty_cart", "the cart is empty")
        now = ctx.clock()
        expires = now + timedelta(minutes=ctx.config.payments.expiry_minutes)
        location = fulfilment.where(s, ctx, choice, sold, cart.id)
        delivery_fee = fulfilment.fee(ctx, choice)
        _hold(s, ctx, cart, sold, expires + HOLD_GRACE, location)
        tries = s.scalar(select(func.count()).where(Payment.cart_id == cart.id)) or 0
        keep = ("sku", "name", "qty", "unit_price", "gross", "discount", "net")
        priced = {
            "lines": [{k: l[k] for k in keep} for l in sold],
            **{k: view[k] for k in ("subtotal", "discount", "tax")},
            "delivery_fee": delivery_fee,
        }
        payment_id = new_id()
        payment = Payment(
            id=payment_id,
            # The cart's code, the attempt, and the payment id's first letters: a central restored from a backup never
            # numbers an order again that the gateway already holds (it would refuse it or report the old payment).
            order_id=f"OT-{cart.code.replace('-', '')}-{tries + 1}{payment_id[:3].upper()}",
            cart_id=cart.id,
            amount=view["total"] + delivery_fee,
            currency="IDR",
            status="created",
            rank=0,
            lines=json.dumps(priced, ensure_ascii=False),
            note="",
            refunded=0,
            member_id=online_points.payable_member(s, member_id),
            expires_at=expires,
            created_at=now,
            updated_at=now,
        )
        s.add(payment)
        if choice is not None:
            s.flush()
            fulfilment.open_order(s, payment, choice, location, delivery_fee, sold)
        transition(
            s,
            cart,
            (("open", "claimed"), cart.fence, None),
            status="paying",
            claim_store=None,
            claim_device=None,
            claimed_at=None,
            lease_expires_at=None,
        )
        items = [
            Item(l["sku"], l["name"], l["net"] // l["qty"], l["qty"])
            if l["net"] % l["qty"] == 0
            else Item(l["sku"], f"{l['qty']} x {l['name']}", l["net"], 1)
            for l in sold
        ]
        if delivery_fee:
            items.append(Item(fulfilment.DELIVERY_SKU, "Ongkos kirim / Delivery", delivery_fee, 1))
        return payment.id, payment.order_id, payment.amount, items


def start(
    ctx: CentralContext,
    cart_id: str | None,
    finish_url: str,
    choice: Choice | None = None,
    member_id: str | None = None,
) -> dict[str, Any]:
    """The shopper presses Pay: stock held (at the store that fulfils the order, when one does), a gateway page
    made; where to send the shopper. `member_id`: the card the shopper gave (its points come when paid)."""
    if not cart_id:
        raise NotFound("unknown_cart", "there is no cart to pay for")
    payment_id, order_id, amount, items = _begin(ctx, cart_id, choice, member_id)
    try:
        made = gateway(ctx).create_transaction(order_id, amount, items, finish_url, ctx.config.payments.expiry_minutes)
    except GatewayError:
        with ctx.db.unit_of_work() as s:
            apply(s, ctx, payment_id, GatewayStatus(order_id, "failure", amount))
        raise
    with ctx.db.unit_of_work() as s:
        p = s.get(Payment, payment_id)
        assert p is not None
        p.token, p.redirect_url, p.updated_at = made.token[:64], made.redirect_url, ctx.clock()
        return payment_json(ctx, p)


Apply = Callable[[Session, CentralContext, str, GatewayStatus], bool]  # a confirmed status onto one payment's row


def confirm(
    ctx: CentralContext, payment_id: str, order_id: str, amount: int, apply_status: Apply = apply
) -> tuple[GatewayStatus, bool]:
    """Ask the gateway, then apply what it says (when its amount is the order's); `apply_status` is the till
    QRIS charge's for those."""
    st = gateway(ctx).status(order_id)
    if st.transaction_status == "created":
        return st, False
    with ctx.db.unit_of_work() as s:
        if st.gross_amount != amount or st.transaction_status not in RANK:
            alert(
                s,
                ctx,
                "payment_mismatch",
                f"the gateway reports order {order_id} as {st.transaction_status} for {st.gross_amount}, "
                f"the order is {amount}: nothing was changed",
                payment_id,
            )
            return st, False
        return st, apply_status(s, ctx, payment_id, st)


def check(ctx: CentralContext, order_id: str, cart_id: str | None = None, ask: bool = True) -> dict[str, Any]:
    """A status check (the shopper's return from the gateway page, the sweep): never the browser's word; `ask`
    False: what central already knows (the shopper's order page, reached again from the cart)."""
    with ctx.db.sessions() as s:
        p = s.scalar(select(Payment).where(Payment.order_id == order_id))
        if p is None or (cart_id is not None and p.cart_id != cart_id):
            raise NotFound("unknown_payment", f"no payment {order_id} for this cart")
        payment_id, amount = p.id, p.amount
    if ask:
        confirm(ctx, payment_id, order_id, amount)
    with ctx.db.sessions() as s:
        p = s.get(Payment, payment_id)
        assert p is not None
        return {**payment_json(ctx, p), "points": online_points.earned_by(s, p)}


def refund(
    ctx: CentralContext, payment_id: str, amount: int, reason: str, key: str | None = None, fee: bool = False
) -> dict[str, Any]:
    """Money back to the shopper through the gateway (partial or whole), recorded once by its key (a caller that
    may retry passes its own key: the gateway answers a repeated key with the same refund). `fee`: a refund of the
    delivery fee alone (up to what of it is left), which takes back no points; otherwise a refund of goods."""
    reason = reason.strip()[:200]
    with ctx.db.sessions() as s:
        p = s.get(Payment, payment_id)
        if p is None:
            raise NotFound("unknown_payment", f"no payment {payment_id}")
        if p.status not in ("settlement", "capture", "partial_refund"):
            raise Conflict("not_refundable", f"payment {p.order_id} is {p.status}: only a paid payment is refunded")
        left = p.amount - p.refunded
        if fee:
            left = min(left, online_points.delivery_fee(p) - online_points.fee_refunded(s, p.id))
            if left < 1:
                raise Conflict("no_fee_to_refund", f"order {p.order_id} has no delivery fee left to refund")
        if not 1 <= amount <= left:
            code = "fee_refund_too_much" if fee else "refund_too_much"
            raise DomainError(code, f"a refund of {p.order_id} is Rp 1 to Rp {left}", max=left)
        order_id, total = p.order_id, p.amount
    key = key or new_id()
    st = gateway(ctx).refund(order_id, online_points.FEE_REFUND + key if fee else key, amount, reason or "refund")
    with ctx.db.unit_of_work() as s:
        if st.gross_amount == total:
            apply(s, ctx, payment_id, st)
        p = s.get(Payment, payment_id)
        assert p is not None
        return payment_json(ctx, p)


def sweep(ctx: CentralContext) -> int:
    """Payments past their page's expiry with no word from the gateway: ask it (a lost notification, a crash)."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        due = list(
            s.execute(
                select(Payment.id, Payment.order_id, Payment.amount).where(Payment.rank < 2, Payment.expires_at < now)
            )
        )
    return settle_lapsed(ctx, due)


def settle_lapsed(ctx: CentralContext, due: Iterable[Any], apply_status: Apply = apply) -> int:
    """Ask the gateway about each (id, order id, amount) past its expiry; one it never made has lapsed."""
    done = 0
    for payment_id, order_id, amount in due:
        try:
            st, changed = confirm(ctx, payment_id, order_id, amount, apply_status)
        except GatewayError:
            continue
        if st.transaction_status == "created":
            with ctx.db.unit_of_work() as s:  # nobody chose a way to pay (or the charge was never made)
                changed = apply_status(s, ctx, payment_id, GatewayStatus(order_id, "expire", amount))
        done += int(changed)
    return done


def recent(ctx: CentralContext, limit: int = 100) -> list[dict[str, Any]]:
    """The newest payments, each with its refunds and where its order stands (which store fulfils it, how far)."""
    with ctx.db.sessions() as s:
        rows = s.execute(
            select(Payment, OnlineOrder, Store.name)
            .outerjoin(OnlineOrder, OnlineOrder.payment_id == Payment.id)
            .outerjoin(Store, Store.id == OnlineOrder.store_id)
            .order_by(Payment.created_at.desc())
            .limit(limit)
        ).all()
        out = []
        for p, order, store_name in rows:
            view = payment_json(ctx, p)
            view["delivery_fee"] = online_points.delivery_fee(p)  # a refund may be of it alone (no points back)
            view["refunds"] = [
                {"amount": r.amount, "reason": r.reason}
                for r in s.scalars(select(PaymentRefund).where(PaymentRefund.payment_id == p.id))
            ]
            view["order"] = (
                None
                if order is None
                else {"status": order.status, "mode": order.mode, "store": store_name or order.store_id}
            )
            out.append(view)
        return out
