"""The shopper's online cart: add, change, remove, choose a store for click-and-collect (stock held there)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from central.tables import CartReservation, Location, OnlineCart, OnlineCartLine, Product
from central.tables.base import new_id
from common.cart_codes import new_code
from common.errors import Conflict, DomainError, NotFound

from . import feed
from .cart_claims import CartGone, holder, locked, paid_message, unclaim
from .cart_views import available, cart_json, cart_lines, feed_changes, status_of
from .context import CentralContext
from .shop_catalog import SOLD_ONLINE
from .stores import pickup_stores

MAX_LINES = 100
MAX_QTY = 99


def view(ctx: CentralContext, cart_id: str | None) -> dict[str, Any] | None:
    if not cart_id:
        return None
    with ctx.db.sessions() as s:
        cart = s.get(OnlineCart, cart_id)
        return cart_json(s, ctx, cart) if cart else None


def _touch(ctx: CentralContext, cart: OnlineCart) -> None:
    now = ctx.clock()
    cart.updated_at, cart.expires_at = now, now + timedelta(days=ctx.config.shop.cart_days)


def _new_cart(s: Session, ctx: CentralContext) -> OnlineCart:
    for _ in range(20):  # a taken code is retried; 8e8 codes make a second try rare
        code = new_code()
        if s.scalar(select(OnlineCart.id).where(OnlineCart.code == code)) is None:
            cart = OnlineCart(id=new_id(), code=code, status="open", fence=0, created_at=ctx.clock())
            _touch(ctx, cart)
            s.add(cart)
            s.flush()
            return cart
    raise Conflict("no_free_code", "could not find a free cart code: try again")


def _editable(s: Session, ctx: CentralContext, cart_id: str | None, start_new: bool) -> OnlineCart:
    """The cart locked for a change; a lapsed store claim is dropped. With start_new, a finished cart (paid,
    expired or unknown) gives way to a new one; a cart a store is paying right now never changes."""
    cart = locked(s, OnlineCart.id == cart_id) if cart_id else None
    state = status_of(cart, ctx.clock()) if cart else None
    if cart is None or state in ("checked_out", "expired"):
        if start_new:
            return _new_cart(s, ctx)
        if cart is None:
            raise NotFound("unknown_cart", "this cart is no longer here: start a new one")
        if state == "checked_out":
            raise Conflict("cart_checked_out", paid_message(s, ctx, cart), cart_code=cart.code)
        raise CartGone("cart_expired", f"cart {cart.code} has expired: start a new one")
    if state == "paying":
        raise Conflict("cart_paying", f"cart {cart.code} is being paid online: finish or cancel the payment first")
    if state == "claimed":
        raise Conflict(
            "cart_in_store",
            f"this cart is being paid in store at {holder(s, ctx, cart)}: it cannot change meanwhile",
            cart_code=cart.code,
        )
    if cart.status == "claimed":
        unclaim(s, cart, (("claimed",), cart.fence, None))
    return cart


def _finish_edit(
    s: Session, ctx: CentralContext, cart: OnlineCart, previous_pickup: str | None, reserve: bool = True
) -> dict[str, Any]:
    _touch(ctx, cart)
    s.flush()
    if reserve and cart.pickup_store and cart.reserved_until and cart.reserved_until > ctx.clock():
        _reserve(s, ctx, cart, cart.pickup_store, cart.reserved_until)
    out = cart_json(s, ctx, cart)
    feed.append(s, ctx, feed_changes(out, previous_pickup))
    return out


def add_item(ctx: CentralContext, cart_id: str | None, sku: str, qty: int = 1) -> dict[str, Any]:
    """Put `qty` of the product in the cart (a new cart if there is none, or it is paid or expired)."""
    if not 1 <= qty <= MAX_QTY:
        raise DomainError("bad_quantity", f"add 1 to {MAX_QTY} at a time")
    with ctx.db.unit_of_work() as s:
        product = s.scalar(select(Product).where(Product.sku == sku, SOLD_ONLINE))
        if product is None:
            raise NotFound("unknown_sku", f"product {sku} is not sold online")
        cart = _editable(s, ctx, cart_id, start_new=True)
        line = s.scalar(select(OnlineCartLine).where(OnlineCartLine.cart_id == cart.id, OnlineCartLine.sku == sku))
        if line is None:
            count = s.scalar(select(func.count()).where(OnlineCartLine.cart_id == cart.id)) or 0
            if count >= MAX_LINES:
                raise DomainError("cart_too_big", f"a cart holds at most {MAX_LINES} different products")
            top = s.scalar(select(func.max(OnlineCartLine.position)).where(OnlineCartLine.cart_id == cart.id)) or 0
            s.add(
                OnlineCartLine(
                    id=new_id(),
                    cart_id=cart.id,
                    sku=sku,
                    qty=qty,
                    price_added=product.price,
                    position=top + 1,
                    added_at=ctx.clock(),
                )
            )
        else:
            line.qty = min(MAX_QTY, line.qty + qty)
        return _finish_edit(s, ctx, cart, cart.pickup_store)


def set_quantity(ctx: CentralContext, cart_id: str | None, sku: str, qty: int) -> dict[str, Any]:
    """A new quantity for a line; 0 takes the line out (the view's `removed` names it, for the shopper)."""
    if not 0 <= qty <= MAX_QTY:
        raise DomainError("bad_quantity", f"a quantity is 0 to {MAX_QTY}")
    with ctx.db.unit_of_work() as s:
        cart = _editable(s, ctx, cart_id, start_new=False)
        line = s.scalar(select(OnlineCartLine).where(OnlineCartLine.cart_id == cart.id, OnlineCartLine.sku == sku))
        if line is None:
            raise NotFound("unknown_line", f"{sku} is not in the cart")
        if qty == 0:
            s.delete(line)
        else:
            line.qty = qty
        out = _finish_edit(s, ctx, cart, cart.pickup_store)
        if qty == 0:
            out["removed"] = s.scalar(select(Product.name).where(Product.sku == sku)) or sku
        return out


def _release_holds(s: Session, cart_id: str, now: datetime) -> None:
    s.execute(
        update(CartReservation)
        .where(CartReservation.cart_id == cart_id, CartReservation.state == "held")
        .values(state="released", closed_at=now)
    )


def _reserve(s: Session, ctx: CentralContext, cart: OnlineCart, location: str, until: datetime) -> None:
    """Hold what the store can spare of each line (the rest is shown as short); replaces earlier holds."""
    now = ctx.clock()
    _release_holds(s, cart.id, now)
    lines = cart_lines(s, cart.id)
    spare = available(s, now, [l.sku for l in lines], exclude_cart=cart.id)
    for l in lines:
        qty = min(l.qty, spare.get((location, l.sku), 0))
        if qty > 0:
            s.add(
                CartReservation(
                    id=new_id(),
                    cart_id=cart.id,
                    location=location,
                    sku=l.sku,
                    qty=qty,
                    state="held",
                    expires_at=until,
                    created_at=now,
                )
            )
    s.flush()


def choose_store(ctx: CentralContext, cart_id: str | None, location: str | None) -> dict[str, Any]:
    """Click-and-collect at `location` (stock held there for shop.reserve_minutes), or none (holds released)."""
    with ctx.db.unit_of_work() as s:
        cart = _editable(s, ctx, cart_id, start_new=False)
        previous = cart.pickup_store
        now = ctx.clock()
        if location:
            kind = s.scalar(select(Location.kind).where(Location.code == location))
            if kind != "store":
                raise NotFound("unknown_store", f"there is no store {location} to collect from")
            if not cart_lines(s, cart.id):
                raise DomainError("empty_cart", "put something in the cart before choosing a store")
            until = now + timedelta(minutes=ctx.config.shop.reserve_minutes)
            cart.pickup_store, cart.reserved_until = location, until
            _reserve(s, ctx, cart, location, until)
        else:
            cart.pickup_store, cart.reserved_until = None, None
            _release_holds(s, cart.id, now)
        return _finish_edit(s, ctx, cart, previous, reserve=False)


def stores(ctx: CentralContext) -> list[dict[str, str]]:
    """The stores the shop offers for pickup."""
    with ctx.db.sessions() as s:
        return [{"code": code, "name": name} for code, name in pickup_stores(s).items()]
