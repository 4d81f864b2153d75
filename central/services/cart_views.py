"""How an online cart looks: priced lines (central prices and promotions), stock, status, the order, the feed copy."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import (
    CartOrder,
    CartReservation,
    Location,
    OnlineCart,
    OnlineCartLine,
    Payment,
    Product,
    Promotion,
    TaxGroup,
)
from common.cart_codes import qr_payload
from common.mixed_sets import Item, promote_lines
from common.pricing import LineInput, price_sale
from common.promotions import Promo

from .context import CentralContext
from .feed import FeedChange
from .stock import levels, location_name


def _zone(ctx: CentralContext) -> ZoneInfo:
    try:
        return ZoneInfo(ctx.config.shop.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(ctx: CentralContext, at: datetime | None, fmt: str = "%H:%M") -> str:
    if at is None:
        return ""
    return at.replace(tzinfo=UTC).astimezone(_zone(ctx)).strftime(fmt)


def zone_label(ctx: CentralContext) -> str:
    """The shop's zone as people say it (WIB, WITA, WIT), shown beside a time of day."""
    return datetime.now(_zone(ctx)).tzname() or ""


def promos(s: Session) -> list[Promo]:
    return [
        Promo(
            p.id,
            p.name,
            p.kind,
            p.value,
            frozenset(json.loads(p.skus or "[]")),
            p.starts_at,
            p.ends_at,
            p.active,
            p.set_qty,
            bool(p.mixed),
        )
        for p in s.scalars(select(Promotion).where(Promotion.active.is_(True)))
    ]


def reserved(s: Session, now: datetime, skus: list[str], exclude_cart: str | None = None) -> dict[tuple[str, str], int]:
    """Live click-and-collect holds per (location, sku), other than `exclude_cart`'s own."""
    stmt = (
        select(CartReservation.location, CartReservation.sku, func.sum(CartReservation.qty))
        .where(CartReservation.state == "held", CartReservation.expires_at > now, CartReservation.sku.in_(skus))
        .group_by(CartReservation.location, CartReservation.sku)
    )
    if exclude_cart:
        stmt = stmt.where(CartReservation.cart_id != exclude_cart)
    return {(loc, sku): int(q or 0) for loc, sku, q in s.execute(stmt)}


def available(
    s: Session, now: datetime, skus: list[str], exclude_cart: str | None = None
) -> dict[tuple[str, str], int]:
    """On hand (the stores' ledgers as central has them) less what other carts hold; never below zero."""
    if not skus:
        return {}
    held = reserved(s, now, skus, exclude_cart)
    return {key: max(0, q - held.get(key, 0)) for key, q in levels(s, skus=skus).items()}


def locations(s: Session) -> list[dict[str, str]]:
    """Where stock can be shown: the online warehouse first, then every store."""
    rows = s.scalars(select(Location).order_by(Location.kind != "online", Location.code))
    return [{"code": l.code, "name": l.name or l.code, "kind": l.kind} for l in rows]


def status_of(cart: OnlineCart, now: datetime) -> str:
    """open | claimed (a live lease) | paying (online, at the gateway) | checked_out | expired; a lapsed lease
    reads as open."""
    if cart.status in ("checked_out", "paying"):
        return cart.status
    if cart.expires_at <= now:
        return "expired"
    if cart.status == "claimed" and cart.lease_expires_at and cart.lease_expires_at > now:
        return "claimed"
    return "open"


def cart_lines(s: Session, cart_id: str) -> list[OnlineCartLine]:
    return list(
        s.scalars(select(OnlineCartLine).where(OnlineCartLine.cart_id == cart_id).order_by(OnlineCartLine.position))
    )


def priced_lines(s: Session, ctx: CentralContext, lines: list[tuple[str, int, int | None]]) -> dict[str, Any]:
    """[(sku, qty, price_added)] at central's prices and promotions now, as the stores price them."""
    now = ctx.clock()
    skus = [sku for sku, _, _ in lines]
    products = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_(skus)))} if skus else {}
    rates = {t.code: t.rate_bp for t in s.scalars(select(TaxGroup))}
    sold = [(i, sku, qty, products[sku]) for i, (sku, qty, _) in enumerate(lines) if sku in products]
    # The stores' rule (common.mixed_sets): each line's best promotion, a mixed multi-buy's sets over the cart's lines.
    given = promote_lines(promos(s), [Item(str(i), sku, p.price, qty) for i, sku, qty, p in sold if p.active], now)
    inputs, out = [], []
    for i, (sku, qty, added) in enumerate(lines):
        p = products.get(sku)
        if p is None or not p.active:
            out.append({"sku": sku, "name": p.name if p else sku, "qty": qty, "unit_price": None, "sold": False})
            continue
        best = given.get(str(i))
        inputs.append(
            LineInput(
                str(i), sku, p.name, p.price, qty, p.tax_group, rates.get(p.tax_group, 0), best[1] if best else None
            )
        )
        out.append(
            {
                "sku": sku,
                "name": p.name,
                "barcode": p.barcode,
                "category": p.category,
                "qty": qty,
                "unit_price": p.price,
                "price_added": added,
                "price_changed": added is not None and added != p.price,
                "promo": best[0].name if best else None,
                "sold": True,
            }
        )
    priced = price_sale(inputs)
    by_id = {pl.line_id: pl for pl in priced.lines}
    for i, line in enumerate(out):
        pl = by_id.get(str(i))
        line.update(gross=pl.gross if pl else 0, discount=pl.discount if pl else 0, net=pl.net if pl else 0)
    return {
        "lines": out,
        "items": sum(l["qty"] for l in out if l["sold"]),
        "subtotal": priced.subtotal,
        "discount": priced.discount_total,
        "tax": priced.tax_total,
        "total": priced.total,
    }


def order_json(ctx: CentralContext, s: Session, order: CartOrder | None) -> dict[str, Any] | None:
    if order is None:
        return None
    return {
        "id": order.id,
        "checkout_id": order.checkout_id,
        "channel": order.channel,
        "store_id": order.store_id,
        "store_name": location_name(s, ctx, order.store_id) if order.store_id else order.store_id,
        "device_id": order.device_id,
        "sale_id": order.sale_id,
        "number": order.number,
        "total": order.total,
        "confirmed": order.confirmed,
        "note": order.note,
        "paid_at": (order.paid_at or order.created_at).isoformat(),
        "paid_at_local": local_time(ctx, order.paid_at or order.created_at),
        "paid_on_local": local_time(ctx, order.paid_at or order.created_at, "%d/%m/%Y"),
        "recorded_at": order.created_at.isoformat(),
    }


def cart_json(s: Session, ctx: CentralContext, cart: OnlineCart, for_store: str | None = None) -> dict[str, Any]:
    """The cart as the shop page and the stores' API show it; `for_store` adds what is held there for it."""
    now = ctx.clock()
    lines = cart_lines(s, cart.id)
    view = priced_lines(s, ctx, [(l.sku, l.qty, l.price_added) for l in lines])
    held = {
        r.sku: r.qty
        for r in s.scalars(
            select(CartReservation).where(
                CartReservation.cart_id == cart.id, CartReservation.state == "held", CartReservation.expires_at > now
            )
        )
    }
    for line in view["lines"]:
        line["reserved"] = held.get(line["sku"], 0) if cart.pickup_store else 0
    status = status_of(cart, now)
    claim = None
    if status == "claimed":
        claim = {
            "store_id": cart.claim_store,
            "device_id": cart.claim_device,
            "store_name": location_name(s, ctx, cart.claim_store),
            "until": cart.lease_expires_at.isoformat() if cart.lease_expires_at else None,
            "until_local": local_time(ctx, cart.lease_expires_at),
        }
    reservation_live = bool(
        cart.pickup_store and cart.reserved_until and cart.reserved_until > now and status in ("open", "claimed")
    )
    view.update(
        {
            "id": cart.id,
            "code": cart.code,
            "qr_payload": qr_payload(ctx.config.loyalty.shop_id, cart.code),
            "status": status,
            "fence": cart.fence,
            "claim": claim,
            "pickup_store": cart.pickup_store,
            "reserved_until": cart.reserved_until.isoformat() if cart.reserved_until else None,
            "reserved_until_local": local_time(ctx, cart.reserved_until),
            "reservation_live": reservation_live,
            "expires_at": cart.expires_at.isoformat(),
            "updated_at": cart.updated_at.isoformat(),
            "order": order_json(ctx, s, s.scalar(select(CartOrder).where(CartOrder.cart_id == cart.id))),
        }
    )
    if status == "paying":
        paying = s.scalar(
            select(Payment).where(Payment.cart_id == cart.id, Payment.rank < 2).order_by(Payment.created_at.desc())
        )
        view["payment"] = {"order_id": paying.order_id, "url": paying.redirect_url} if paying else None
    if for_store is not None:
        view["reserved_here"] = reservation_live and cart.pickup_store == for_store
    return view


def feed_copy(view: dict[str, Any], status: str | None = None) -> dict[str, Any]:
    """What a store keeps to open the cart while it cannot reach central: codes, lines, online prices."""
    return {
        "id": view["id"],
        "code": view["code"],
        "status": status or ("checked_out" if view["status"] == "checked_out" else "open"),
        "lines": [
            {k: l.get(k) for k in ("sku", "name", "qty", "unit_price", "promo", "discount", "net")}
            for l in view["lines"]
            if l["sold"]
        ],
        "total": view["total"],
        "pickup_store": view["pickup_store"],
        "reserved_until": view["reserved_until"],
        "expires_at": view["expires_at"],
        "updated_at": view["updated_at"],
    }


def feed_changes(view: dict[str, Any], previous_pickup: str | None = None) -> list[FeedChange]:
    """Only the store a cart is reserved at gets its copy (one key per store, so a move tells the old one)."""
    out = []
    if previous_pickup and previous_pickup != view["pickup_store"]:
        out.append(
            FeedChange(
                "online_cart", f"{previous_pickup}:{view['id']}", feed_copy(view, "gone"), only_store=previous_pickup
            )
        )
    if view["pickup_store"]:
        out.append(
            FeedChange(
                "online_cart", f"{view['pickup_store']}:{view['id']}", feed_copy(view), only_store=view["pickup_store"]
            )
        )
    return out
