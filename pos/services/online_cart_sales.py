"""An online cart in a till sale: linked when the till takes it (kiosk ticket or its code), promotions applied,
and checked out at central when the sale completes (a direct call while the sale commits, and an outbox event
"cart.checked_out" that gets there when the store is offline)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from pos.adapters.central_carts import Refused, Unreachable, carts_client_for
from pos.adapters.tables import OnlineCartCopy, OnlineCartOpen, Sale
from common.errors import Conflict, DomainError

from .after_sale import CompletedSale
from .context import StoreContext
from .discount_rules import promote, store_promos
from .records import emit_event
from .sale_views import lines_of


class CheckoutRefused(DomainError):
    """Central said no to this till's checkout of the cart (paid elsewhere, claim taken over)."""

    status = 409


def apply_promotions(s: Session, ctx: StoreContext, sale_id: str, skus: set[str]) -> None:
    """The cart's lines get the promotion the shop showed, as a line discount (lines a cashier discounted keep theirs)."""
    offers = store_promos(s)
    if not offers:
        return
    now = ctx.clock()
    for line in lines_of(s, sale_id):
        if line.sku in skus:
            promote(line, offers, now)
    s.flush()


def link_sale(s: Session, ctx: StoreContext, opened: OnlineCartOpen, sale: Sale) -> None:
    """This opening now belongs to the sale (one online cart per sale); its promotions go on the lines."""
    other = s.scalar(select(OnlineCartOpen.code).where(OnlineCartOpen.sale_id == sale.id,
                                                       OnlineCartOpen.state == "in_sale",
                                                       OnlineCartOpen.id != opened.id))
    if other:
        raise Conflict("one_online_cart", f"this sale already holds online cart {other}: finish it first")
    opened.sale_id, opened.state = sale.id, "in_sale"
    apply_promotions(s, ctx, sale.id, {l["sku"] for l in json.loads(opened.lines)})


def on_ticket_taken(s: Session, ctx: StoreContext, kiosk_cart_id: str, sale: Sale) -> dict[str, Any] | None:
    """Called by the kiosk-ticket take inside its transaction: a ticket made from an online cart links the sale."""
    opened = s.scalar(select(OnlineCartOpen).where(OnlineCartOpen.kiosk_cart_id == kiosk_cart_id,
                                                   OnlineCartOpen.state == "sent"))
    if opened is None:
        return None
    link_sale(s, ctx, opened, sale)
    return {"code": opened.code, "confirmed": opened.confirmed}


def _payload(ctx: StoreContext, opened: OnlineCartOpen, sale: CompletedSale) -> dict[str, Any]:
    return {"cart_id": opened.cart_id, "code": opened.code, "checkout_id": sale.id, "sale_id": sale.id,
            "number": sale.number, "till_id": sale.till_id, "fence": opened.fence,
            "confirmed": opened.confirmed, "total": sale.total, "completed_at": sale.completed_at,
            "store_id": ctx.store_id}


def _check_out_at_central(ctx: StoreContext, opened: OnlineCartOpen, payload: dict[str, Any]) -> bool:
    """True when central recorded it now; False when it could not be asked (the outbox event will tell it).

    Runs while the sale's transaction is open (at most online_carts.central_timeout_seconds), so a refusal
    stops the sale before any money is booked: a cart paid elsewhere is never charged twice here.
    """
    client = carts_client_for(ctx.config)
    if client is None or not opened.confirmed:
        return False
    body = {k: payload[k] for k in ("checkout_id", "sale_id", "number", "till_id", "fence", "total", "completed_at")}
    try:
        client.checkout(opened.cart_id, {**body, "device_id": opened.device_id[:32]})
        return True
    except Unreachable:
        return False
    except Refused as e:
        raise CheckoutRefused(f"online_cart_{e.code}", f"online cart {opened.code}: {e.message}. The sale was not "
                              "finished: give the payment back and void it", cart_code=opened.code) from e


def on_sale(s: Session, ctx: StoreContext, sale: CompletedSale) -> dict[str, Any]:
    opened = s.scalar(select(OnlineCartOpen).where(OnlineCartOpen.sale_id == sale.id,
                                                   OnlineCartOpen.state == "in_sale"))
    if opened is None:
        return {}
    payload = _payload(ctx, opened, sale)
    confirmed_now = _check_out_at_central(ctx, opened, payload)
    emit_event(s, ctx, EventType.CART_CHECKED_OUT, payload, sale.till_id)
    opened.state, opened.checked_out_at = "checked_out", ctx.clock()
    copy = s.get(OnlineCartCopy, opened.cart_id)
    if copy is not None:
        copy.status = "checked_out"
    return {"online_cart": {"code": opened.code, "confirmed": opened.confirmed, "recorded_at_central": confirmed_now}}


class CheckOutOnlineCart:
    """The after-sale step for a sale that holds an online cart; declared first, so a refusal costs nothing else."""

    handles = (CompletedSale,)

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx

    def __call__(self, session: Session, fact: CompletedSale, added: Mapping[str, Any]) -> dict[str, Any]:
        return on_sale(session, self.ctx, fact)
