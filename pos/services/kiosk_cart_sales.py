"""Kiosk carts taken at the till: the ticket a scanned QR or a typed code (K-12) names, refused when unknown, expired
or taken already, and loaded once into the till's open sale at today's prices, as scans of its items would be.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common import scan_codes
from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound
from common.promotions import Promo
from pos.adapters.tables import KioskCart, Product, Sale, SaleLine

from . import online_cart_sales, sale_change, till_sale
from .auth import Actor
from .catalog import tax_rate
from .context import StoreContext
from .discount_rules import promote, promote_sale, store_promos
from .kiosk_carts import kiosk_local_time, verified_cart_id
from .sale_views import lines_of


def _find(ctx: StoreContext, s: Session, ref: str, now: datetime) -> KioskCart:
    """The cart a scanned QR or a typed code names; unknown or expired is 404, already taken is 409."""
    ref = (ref or "").strip()
    cart: KioskCart | None = None
    if scan_codes.is_ticket_qr(ref):
        cart_id = verified_cart_id(ctx, ref)
        cart = s.get(KioskCart, cart_id) if cart_id else None
        shown = cart.code if cart else "this ticket"
    elif (number := scan_codes.ticket_number(ref)) is not None:
        shown = scan_codes.ticket_code(number)
        cart = s.scalar(
            select(KioskCart)
            .where(KioskCart.code == shown)
            .order_by(KioskCart.created_at.desc(), KioskCart.seq.desc())
            .limit(1)
        )
    else:
        raise DomainError("bad_ticket", "a kiosk ticket looks like K-12 or is its QR code", ref=ref[:64])
    if cart is None:
        raise NotFound(
            "unknown_ticket", f"kiosk cart {shown} not found: ask the shopper for the code on the kiosk screen"
        )
    if cart.state == "taken":
        raise Conflict(
            "ticket_taken",
            f"kiosk cart {cart.code} was already taken at till {cart.taken_till} "
            f"at {kiosk_local_time(ctx, cart.taken_at or now)}",
            ticket=cart.code,
            till=cart.taken_till,
        )
    if cart.expires_at <= now:
        raise NotFound(
            "expired_ticket", f"kiosk cart {cart.code} has expired: scan the items instead", ticket=cart.code
        )
    return cart


def add_to_sale(s: Session, sale: Sale, product: Product, qty: int, promos: list[Promo], now: datetime) -> None:
    """Like a scan at the till: the same item again adds to its line, and central's promotion prices it."""
    lines = lines_of(s, sale.id)
    top = max((l.position for l in lines), default=0) + 1
    same = next((l for l in lines if l.sku == product.sku and (not l.discount_kind or l.promotion_id)), None)
    if same is not None:
        if same.qty + qty > till_sale.MAX_QTY:
            raise DomainError("bad_quantity", f"quantity cannot be more than {till_sale.MAX_QTY}")
        same.qty, same.position = same.qty + qty, top
        promote(same, promos, now)
        promote_sale(lines, promos, now)
        return
    line = SaleLine(
        sale_id=sale.id,
        position=top,
        sku=product.sku,
        barcode=product.barcode,
        name=product.name,
        unit_price=product.price,
        qty=qty,
        tax_group=product.tax_group,
        tax_rate_bp=tax_rate(s, product.tax_group),
    )
    promote(line, promos, now)
    s.add(line)
    s.flush()
    promote_sale([*lines, line], promos, now)  # a mixed multi-buy's sets counted over the sale's lines


def take(ctx: StoreContext, actor: Actor, ref: str) -> dict[str, Any]:
    """Load a kiosk cart into this till's open sale at today's prices, once; a second take is refused."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        _find(ctx, s, ref, now)  # refuse a bad code before a sale is even opened
    sale_view, _ = till_sale.create_sale(ctx, actor)
    outcome: dict[str, Any] = {}

    def change(s: Session, sale: Sale) -> None:
        cart = _find(ctx, s, ref, now)
        sale_change.no_tenders(s, sale)  # the till's own rule: no new lines once payment has started
        # Compare-and-set: of two tills racing for the same ticket, exactly one sees rowcount 1.
        won = rowcount(
            s.execute(
                update(KioskCart)
                .where(KioskCart.id == cart.id, KioskCart.state == "sent")
                .values(
                    state="taken", taken_at=now, taken_till=actor.till_id, taken_staff=actor.staff_id, sale_id=sale.id
                )
                .execution_options(synchronize_session=False)
            )
        )
        if won != 1:
            raise Conflict("ticket_taken", f"kiosk cart {cart.code} was just taken at another till", ticket=cart.code)
        changed, missing = [], []
        promos = store_promos(s)
        for item in json.loads(cart.lines):
            product = s.scalar(select(Product).where(Product.sku == item["sku"], Product.active.is_(True)))
            if product is None:
                missing.append({"sku": item["sku"], "name": item["name"], "qty": item["qty"]})
                continue
            add_to_sale(s, sale, product, int(item["qty"]), promos, now)
            if product.price != item["unit_price"]:
                changed.append(
                    {"sku": product.sku, "name": product.name, "was": item["unit_price"], "now": product.price}
                )
        outcome.update(
            code=cart.code, items=cart.items, total_at_kiosk=cart.total, price_changes=changed, unavailable=missing
        )
        online = online_cart_sales.on_ticket_taken(s, ctx, cart.id, sale)  # a ticket made from an online cart
        if online is not None:
            outcome["online_cart"] = online

    view = sale_change.run_change(ctx, actor, sale_view["id"], change)  # one transaction with the sale's totals
    ctx.notify("kiosk_cart_taken", {"code": outcome["code"], "by_till": actor.till_id})
    return {"sale": view, "kiosk_cart": outcome}
