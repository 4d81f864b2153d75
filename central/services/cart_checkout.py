"""Checking a cart out, once: by a store holding the current claim (API), from a store's outbox (event
"cart.checked_out", which also carries sales made offline from a synced copy), or online.

Idempotent by checkout id: the same id returns the same order. A cart already checked out under another id is
refused (API) or, for a sale a store already made offline, recorded as a conflict for its manager.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import CartOrder, CartReservation, OnlineCart, ReconciliationItem
from central.tables.base import new_id
from common.contract.names import EventType, Topic
from common.contract.online_events import CartCheckedOut
from common.errors import Conflict, DomainError, NotFound
from common.timestamps import parse_time

from . import feed, stock
from .cart_claims import holder, locked, paid_message, refuse_unless_open, transition
from .cart_views import cart_json, feed_changes, order_json, status_of
from .context import CentralContext
from .feed import FeedChange
from .payloads import Rejection, parse
from .stock import Movement
from .stores import ONLINE

if TYPE_CHECKING:
    from .envelope import Event


def finish(
    s: Session,
    ctx: CentralContext,
    cart: OnlineCart,
    expect: tuple[tuple[str, ...], int, str | None],
    *,
    channel: str,
    checkout_id: str,
    total: int,
    store_id: str | None = None,
    device_id: str | None = None,
    sale_id: str | None = None,
    number: str | None = None,
    confirmed: bool = True,
    paid_at: datetime | None = None,
    note: str = "",
) -> tuple[CartOrder, list[FeedChange]]:
    """Mark the cart checked out (compare-and-set), write its one order, turn its reservation into the sale."""
    now = ctx.clock()
    transition(s, cart, expect, status="checked_out", checked_out_at=now)
    order = CartOrder(
        id=new_id(),
        cart_id=cart.id,
        checkout_id=checkout_id,
        channel=channel,
        store_id=store_id,
        device_id=device_id,
        sale_id=sale_id,
        number=number,
        total=total,
        confirmed=confirmed,
        note=note,
        paid_at=paid_at,
        created_at=now,
    )
    s.add(order)
    s.flush()
    converted = channel == "store" and store_id == cart.pickup_store
    s.execute(
        update(CartReservation)
        .where(CartReservation.cart_id == cart.id, CartReservation.state == "held")
        .values(state="converted" if converted else "released", closed_at=now, sale_id=sale_id if converted else None)
    )
    # Only a cart reserved at a store has a copy there to update: price the cart for that copy only.
    return order, feed_changes(cart_json(s, ctx, cart)) if cart.pickup_store else []


def _repeat(
    s: Session, ctx: CentralContext, cart: OnlineCart, checkout_id: str, store_id: str | None
) -> dict[str, Any] | None:
    same = s.scalar(select(CartOrder).where(CartOrder.checkout_id == checkout_id))
    if same is None:
        return None
    if same.cart_id != cart.id or same.store_id != store_id:
        raise Conflict("checkout_id_taken", f"checkout id {checkout_id} was already used for another checkout")
    return {**(order_json(ctx, s, same) or {}), "cart_id": cart.id, "code": cart.code, "repeat": True}


def checkout_store(ctx: CentralContext, store_id: str, device_id: str, info: CartCheckedOut) -> dict[str, Any]:
    """A store that holds the current claim checks the cart out with its sale; the same checkout id again is
    the same order; a stale token, or a cart checked out under another id, is refused and nothing changes."""
    with ctx.db.unit_of_work() as s:
        cart = locked(s, OnlineCart.id == info.cart_id)
        if cart is None:
            raise NotFound("unknown_cart", f"no online cart {info.cart_id}")
        if (again := _repeat(s, ctx, cart, info.checkout_id, store_id)) is not None:
            return again
        if cart.status == "checked_out":
            raise Conflict(
                "cart_checked_out",
                paid_message(s, ctx, cart) + "; this checkout was not recorded and nothing was charged twice",
                cart_code=cart.code,
            )
        if info.fence is None or cart.status != "claimed" or cart.fence != info.fence or cart.claim_store != store_id:
            taken = cart.status == "claimed" and cart.fence != info.fence
            raise Conflict(
                "stale_lease",
                f"this till's claim on cart {cart.code} (token {info.fence}) is no longer "
                "valid"
                + (
                    f": it was taken over by {holder(s, ctx, cart)}"
                    if taken
                    else ": it was released or the shopper changed the cart"
                )
                + "; open the cart again",
                cart_code=cart.code,
                fence=cart.fence,
            )
        order, changes = finish(
            s,
            ctx,
            cart,
            (("claimed",), info.fence, store_id),
            channel="store",
            checkout_id=info.checkout_id,
            total=info.total,
            store_id=store_id,
            device_id=info.till_id or device_id,
            sale_id=info.sale_id,
            number=info.number,
            paid_at=parse_time(info.completed_at) or ctx.clock(),
        )
        view = {**(order_json(ctx, s, order) or {}), "cart_id": cart.id, "code": cart.code, "repeat": False}
        feed.append(s, ctx, changes)
        return view


def checkout_online(ctx: CentralContext, cart_id: str, checkout_id: str) -> dict[str, Any]:
    """The online shop's own checkout (a payment provider's confirmation): refused while a store holds a live
    claim; sells from the online shop's stock."""
    if not checkout_id or len(checkout_id) > 64:
        raise DomainError("bad_checkout_id", "a checkout id is 1-64 characters")
    with ctx.db.unit_of_work() as s:
        cart = locked(s, OnlineCart.id == cart_id)
        if cart is not None and (again := _repeat(s, ctx, cart, checkout_id, None)) is not None:
            return again
        refuse_unless_open(s, ctx, cart, cart_id)
        assert cart is not None
        if status_of(cart, ctx.clock()) == "claimed":
            raise Conflict("cart_in_store", f"cart {cart.code} is being paid in store at {holder(s, ctx, cart)}")
        view = cart_json(s, ctx, cart)
        sold = [l for l in view["lines"] if l["sold"]]
        if not sold:
            raise DomainError("empty_cart", "the cart is empty")
        order, changes = finish(
            s,
            ctx,
            cart,
            (("open", "claimed"), cart.fence, None),
            channel="online",
            checkout_id=checkout_id,
            total=view["total"],
        )
        changes += stock.post(s, ctx, ONLINE, [Movement(new_id(), l["sku"], -l["qty"], "sale", order.id) for l in sold])
        changes += stock.publish(s, ctx, ONLINE)
        out = {**(order_json(ctx, s, order) or {}), "cart_id": cart.id, "code": cart.code, "repeat": False}
        feed.append(s, ctx, changes)
        return out


def _conflict(s: Session, ctx: CentralContext, cart: OnlineCart, store_id: str, info: CartCheckedOut) -> FeedChange:
    """The cart was checked out elsewhere while this store sold it offline: a task for the store's manager."""
    now = ctx.clock()
    first = paid_message(s, ctx, cart)
    message = (
        f"online cart {cart.code} was paid twice: {first}, and again here in sale {info.number}. "
        "Contact the shopper and refund one of the two payments"
    )
    item = ReconciliationItem(
        id=new_id(),
        kind="cart_conflict",
        location=store_id,
        sku=None,
        on_hand=None,
        ref_id=info.sale_id,
        message=message,
        raised_at=now,
        updated_at=now,
    )
    s.add(item)
    s.flush()
    return FeedChange(
        Topic.RECONCILIATION,
        item.id,
        {
            "id": item.id,
            "kind": "cart_conflict",
            "sku": None,
            "ref_id": info.sale_id,
            "message": message,
            "detail": {"cart_id": cart.id, "code": cart.code, "sale_id": info.sale_id, "number": info.number},
            "raised_at": now.isoformat(),
            "resolved_at": None,
        },
        only_store=store_id,
    )


def cart_checked_out(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    """A store's completed sale of a cart: it checks the cart out (superseding any claim: the sale happened),
    is already there (the direct call won), or meets a cart paid elsewhere (a conflict, never a silent twin)."""
    info = parse(CartCheckedOut, ev.payload)
    cart = locked(s, OnlineCart.id == info.cart_id)
    if cart is None:
        raise Rejection("unknown_cart", f"online cart {info.cart_id} ({info.code}) is not at the central store")
    same = s.scalar(select(CartOrder).where(CartOrder.checkout_id == info.checkout_id))
    if same is not None:
        if same.cart_id == cart.id:
            return []
        raise Rejection("checkout_id_taken", f"checkout id {info.checkout_id} was used for another cart")
    if cart.status == "checked_out":
        return [_conflict(s, ctx, cart, ev.store_id, info)]
    ours = cart.status == "claimed" and cart.claim_store == ev.store_id and cart.fence == info.fence
    note = (
        ""
        if ours or cart.status != "claimed"
        else (f"superseded the claim of {cart.claim_store} {cart.claim_device} (token {cart.fence})")
    )
    _, changes = finish(
        s,
        ctx,
        cart,
        ((cart.status,), cart.fence, None),
        channel="store",
        checkout_id=info.checkout_id,
        total=info.total,
        store_id=ev.store_id,
        device_id=info.till_id or ev.device_id,
        sale_id=info.sale_id,
        number=info.number,
        confirmed=info.confirmed and ours,
        paid_at=parse_time(info.completed_at),
        note=note,
    )
    return changes


HANDLERS = {(EventType.CART_CHECKED_OUT, 1): cart_checked_out}
