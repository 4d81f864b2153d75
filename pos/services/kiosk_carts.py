"""Kiosk carts: priced at current prices, sent to the tills as a ticket (K-12 + signed QR), taken once by a till
(kiosk_cart_sales.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common import scan_codes
from common.errors import DomainError
from common.mixed_sets import Item, promote_lines
from common.pricing import LineInput, price_sale
from pos.adapters.tables import KioskCart

from . import printing, sales
from .catalog import find_product, tax_rate
from .context import StoreContext
from .discount_rules import store_promos
from .records import next_value
from .store_time import to_local

MAX_LINES = 100
MAX_LINE_QTY = 99


class NotConnected(DomainError):
    """A service this store relies on is not reachable or not set up yet."""

    status = 503


# --- pricing the cart -------------------------------------------------------------------------------


def _merge(lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Same SKU twice -> one line; refuse an empty, oversized or absurd cart before touching the database."""
    merged: dict[str, int] = {}
    for sku, qty in lines:
        if not isinstance(qty, int) or qty < 1:
            raise DomainError("bad_quantity", f"quantity of {sku} must be at least 1")
        merged[sku] = merged.get(sku, 0) + qty
        if merged[sku] > MAX_LINE_QTY:
            raise DomainError("bad_quantity", f"at most {MAX_LINE_QTY} of one item at the kiosk", sku=sku)
    if not merged:
        raise DomainError("empty_cart", "the cart is empty: add an item first")
    if len(merged) > MAX_LINES:
        raise DomainError("cart_too_big", f"at most {MAX_LINES} different items in one kiosk cart")
    return list(merged.items())


def _priced(s: Session, lines: list[tuple[str, int]], now: datetime) -> dict[str, Any]:
    """The cart priced as the till will price it: today's price and central's best promotion per line."""
    out, inputs = [], []
    found = [(find_product(s, sku=sku), qty) for sku, qty in _merge(lines)]
    for p, _ in found:
        if p.measure != "unit":  # a kiosk cart counts items; the till weighs or reads the label
            raise DomainError(
                "weighed_at_till", f"{p.name} is weighed or priced by its label: take it to the till", name=p.name
            )
    # the till's rule: a mixed multi-buy's sets counted over the cart's lines (common.mixed_sets)
    given = promote_lines(store_promos(s), [Item(str(i), p.sku, p.price, q) for i, (p, q) in enumerate(found)], now)
    for i, (p, qty) in enumerate(found):
        best = given.get(str(i))
        rate = tax_rate(s, p.tax_group)
        inputs.append(LineInput(str(i), p.sku, p.name, p.price, qty, p.tax_group, rate, best[1] if best else None))
        out.append(
            {
                "sku": p.sku,
                "barcode": p.barcode,
                "name": p.name,
                "qty": qty,
                "unit_price": p.price,
                "promo": best[0].name if best else None,
            }
        )
    priced = price_sale(inputs)
    for line, priced_line in zip(out, priced.lines, strict=True):
        line["amount"] = priced_line.net
    return {"lines": out, "items": sum(l["qty"] for l in out), "total": priced.total}


def quote(ctx: StoreContext, lines: list[tuple[str, int]]) -> dict[str, Any]:
    """The kiosk cart at this store's current prices (SKU and quantity in, priced lines and total out)."""
    with ctx.db.sessions() as s:
        return _priced(s, lines, ctx.clock())


# --- tickets ----------------------------------------------------------------------------------------


def _local_day(ctx: StoreContext, at: datetime) -> str:
    """The store's calendar day, so K-1 starts at local midnight, not UTC midnight."""
    return to_local(ctx, at).date().isoformat()


def kiosk_local_time(ctx: StoreContext, at: datetime) -> str:
    return to_local(ctx, at).strftime("%H:%M")


def _signature(ctx: StoreContext, cart_id: str) -> str:
    # The store id is in the MAC, so a ticket from another store (or a made-up id) never verifies here.
    msg = f"kiosk-cart|{ctx.store_id}|{cart_id.lower()}".encode()
    return hmac.new(ctx.config.server.secret_key.encode(), msg, hashlib.sha256).hexdigest()[:20]


def qr_payload(ctx: StoreContext, cart_id: str) -> str:
    """What the ticket's QR holds: short, ASCII only, so a wedge scanner at the till types it reliably."""
    return scan_codes.ticket_qr(cart_id, _signature(ctx, cart_id))


def verified_cart_id(ctx: StoreContext, payload: str) -> str | None:
    """The cart id in a genuine ticket QR of this store, else None."""
    m = scan_codes.TICKET_QR.match(payload.strip())
    if not m or not hmac.compare_digest(_signature(ctx, m.group(1)), m.group(2).lower()):
        return None
    return m.group(1).lower()


def ticket_json(ctx: StoreContext, cart: KioskCart) -> dict[str, Any]:
    return {
        "id": cart.id,
        "code": cart.code,
        "state": cart.state,
        "items": cart.items,
        "total": cart.total,
        "lines": json.loads(cart.lines),
        "qr_payload": qr_payload(ctx, cart.id),
        "created_at": cart.created_at.isoformat(),
        "expires_at": cart.expires_at.isoformat(),
        "sent_at_local": kiosk_local_time(ctx, cart.created_at),
    }


def send_to_till(
    ctx: StoreContext,
    lines: list[tuple[str, int]],
    device_id: str = "kiosk",
    link: Callable[[Session, KioskCart], None] | None = None,
) -> dict[str, Any]:
    """Price the cart now, store it as a ticket with the day's next short code, and tell every till.

    `link` runs in the same transaction once the ticket exists (an online cart records its ticket there).
    """
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        cart_view = _priced(s, lines, now)
        day = _local_day(ctx, now)
        seq = next_value(s, f"kiosk_cart:{day}")
        cart = KioskCart(
            day=day,
            seq=seq,
            code=scan_codes.ticket_code(seq),
            device_id=device_id[:32],
            state="sent",
            lines=json.dumps(
                [{k: l[k] for k in ("sku", "name", "qty", "unit_price")} for l in cart_view["lines"]],
                ensure_ascii=False,
            ),
            items=cart_view["items"],
            total=cart_view["total"],
            created_at=now,
            expires_at=now + timedelta(minutes=ctx.config.kiosk.ticket_minutes),
        )
        s.add(cart)
        s.flush()
        if link is not None:
            link(s, cart)
        view = ticket_json(ctx, cart)
        # Printed too when a printer is configured; queued in this transaction, never blocking the send.
        view["print_job_id"] = printing.queue_ticket(s, ctx, view, device_id)
    # No till_id in the data: the notifier then broadcasts to every till (and any page listening).
    ctx.notify(
        "kiosk_cart_ready",
        {"code": view["code"], "items": view["items"], "total": view["total"], "sent_at_local": view["sent_at_local"]},
    )
    return view


def waiting_carts(ctx: StoreContext) -> list[dict[str, Any]]:
    """Tickets sent and not yet taken or expired, oldest first (for a till page that opens late)."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        carts = s.scalars(
            select(KioskCart)
            .where(KioskCart.state == "sent", KioskCart.expires_at > now)
            .order_by(KioskCart.created_at, KioskCart.seq)
            .limit(sales.MAX_LISTED)
        )
        return [
            {"code": c.code, "items": c.items, "total": c.total, "sent_at_local": kiosk_local_time(ctx, c.created_at)}
            for c in carts
        ]
