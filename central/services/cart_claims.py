"""Stores claim online carts: a lease with an expiry (central's clock) and a fencing token that grows on every claim.

Every change to a cart starts by locking its row (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs one writer
at a time, BEGIN IMMEDIATE) and ends with a conditional UPDATE on the status and token it read: of two tills
racing for the same cart, exactly one UPDATE matches.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import CartOrder, OnlineCart
from common.cart_codes import parse_reference
from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound

from .cart_views import cart_json, local_time, status_of
from .context import CentralContext
from .stock import location_name


class CartGone(DomainError):
    """The cart can no longer be opened (it expired)."""

    status = 410


def locked(s: Session, *where: Any) -> OnlineCart | None:
    return s.scalar(select(OnlineCart).where(*where).with_for_update())


def transition(s: Session, cart: OnlineCart, expect: tuple[tuple[str, ...], int, str | None], **values: Any) -> None:
    """Compare-and-set on (status, fence[, claim store]); the row lock makes a miss rare, the check makes it safe."""
    statuses, fence, store = expect
    t = OnlineCart.__table__
    stmt = update(t).where(t.c.id == cart.id, t.c.status.in_(statuses), t.c.fence == fence)
    if store is not None:
        stmt = stmt.where(t.c.claim_store == store)
    if rowcount(s.execute(stmt.values(**values))) != 1:
        raise Conflict("cart_changed", f"cart {cart.code} changed at this very moment: try again")
    s.refresh(cart)


def unclaim(s: Session, cart: OnlineCart, expect: tuple[tuple[str, ...], int, str | None]) -> None:
    """The cart is open again: no store holds it (released, or its lease lapsed)."""
    transition(
        s, cart, expect, status="open", claim_store=None, claim_device=None, claimed_at=None, lease_expires_at=None
    )


def paid_message(s: Session, ctx: CentralContext, cart: OnlineCart) -> str:
    order = s.scalar(select(CartOrder).where(CartOrder.cart_id == cart.id))
    when = local_time(ctx, (order.paid_at or order.created_at) if order else cart.checked_out_at)
    if order is not None and order.channel == "store":
        return (
            f"cart {cart.code} was already paid in store {order.store_id} ({location_name(s, ctx, order.store_id)}), "
            f"till {order.device_id}, at {when} as {order.number}"
        )
    return f"cart {cart.code} was already paid online at {when}"


def holder(s: Session, ctx: CentralContext, cart: OnlineCart) -> str:
    return (
        f"{cart.claim_store} ({location_name(s, ctx, cart.claim_store)}), {cart.claim_device}, "
        f"until {local_time(ctx, cart.lease_expires_at)}"
    )


def refuse_unless_open(s: Session, ctx: CentralContext, cart: OnlineCart | None, code: str) -> None:
    if cart is None:
        raise NotFound("unknown_cart", f"no online cart has the code {code}: check the code on the shopper's phone")
    state = status_of(cart, ctx.clock())
    if state == "checked_out":
        raise Conflict(
            "cart_checked_out", paid_message(s, ctx, cart) + ": it cannot be paid again", cart_code=cart.code
        )
    if state == "paying":
        raise Conflict(
            "cart_paying_online",
            f"cart {cart.code} is being paid online right now: it cannot be paid in store meanwhile",
            cart_code=cart.code,
        )
    if state == "expired":
        raise CartGone(
            "cart_expired",
            f"cart {cart.code} expired on {local_time(ctx, cart.expires_at, '%d/%m/%Y')}: "
            "the shopper can start a new cart online",
            cart_code=cart.code,
        )


def claim(ctx: CentralContext, store_id: str, device_id: str, ref: str, fence: int | None = None) -> dict[str, Any]:
    """Open a cart at a store's kiosk or till. With `fence`, renew that claim (refused once it was taken over)."""
    code = parse_reference(ref, ctx.config.loyalty.shop_id)
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        cart = locked(s, OnlineCart.code == code)
        refuse_unless_open(s, ctx, cart, code)
        assert cart is not None
        if fence is not None and (cart.status != "claimed" or cart.fence != fence or cart.claim_store != store_id):
            raise Conflict(
                "stale_lease",
                f"the claim on cart {code} with token {fence} is no longer valid"
                + (
                    f": it was taken over by {holder(s, ctx, cart)} (token {cart.fence})"
                    if cart.status == "claimed" and cart.fence != fence
                    else ": it was released or lapsed"
                ),
                cart_code=code,
                fence=cart.fence,
            )
        if (
            fence is None
            and status_of(cart, now) == "claimed"
            and (cart.claim_store, cart.claim_device) != (store_id, device_id)
        ):
            raise Conflict(
                "cart_claimed",
                f"cart {code} is being paid at {holder(s, ctx, cart)}",
                cart_code=code,
                store=cart.claim_store,
                device=cart.claim_device,
            )
        view = cart_json(s, ctx, cart, for_store=store_id)
        if not view["items"]:
            raise Conflict("empty_cart", f"cart {code} has nothing in it to pay for", cart_code=code)
        transition(
            s,
            cart,
            (("open", "claimed"), cart.fence, None),
            status="claimed",
            fence=cart.fence + 1,
            claim_store=store_id,
            claim_device=device_id,
            claimed_at=now,
            lease_expires_at=now + timedelta(minutes=ctx.config.shop.claim_minutes),
        )
        lease = cart.lease_expires_at
        assert lease is not None  # the transition just set it
        view.update(
            status="claimed",
            fence=cart.fence,
            lease_expires_at=lease.isoformat(),
            claim={
                "store_id": store_id,
                "device_id": device_id,
                "store_name": location_name(s, ctx, store_id),
                "until": lease.isoformat(),
                "until_local": local_time(ctx, lease),
            },
        )
        return view


def release(ctx: CentralContext, store_id: str, cart_id: str, fence: int) -> dict[str, Any]:
    """Give the cart back (the shopper walked away): open again online, at once."""
    with ctx.db.unit_of_work() as s:
        cart = locked(s, OnlineCart.id == cart_id)
        if cart is None:
            raise NotFound("unknown_cart", f"no online cart {cart_id}")
        if cart.status == "checked_out":
            raise Conflict("cart_checked_out", paid_message(s, ctx, cart), cart_code=cart.code)
        if cart.status != "claimed" or cart.fence != fence or cart.claim_store != store_id:
            raise Conflict(
                "stale_lease",
                f"the claim on cart {cart.code} with token {fence} is no longer this store's: nothing to release",
                cart_code=cart.code,
                fence=cart.fence,
            )
        unclaim(s, cart, (("claimed",), fence, store_id))
        return {"id": cart.id, "code": cart.code, "status": "open", "fence": cart.fence}
