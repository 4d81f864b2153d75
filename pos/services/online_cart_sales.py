"""An online cart in a till sale: linked when the till takes it (kiosk ticket or its code), promotions applied,
and checked out at central when the sale completes (a direct call just before the sale commits, and an outbox
event "cart.checked_out" that gets there when the store is offline).

The direct call runs with no transaction open (`check_out_at_central`, run by `complete()` before its write
transaction): a slow central never holds the store's write lock; a refusal stops the sale before any money is
booked, so a cart paid elsewhere is never charged twice here. Its checkout id is the sale's id, and the receipt
number it names is the till's next (one open sale per till, so the sale's own). A crash between the call and the
sale's commit leaves the sale open with the cart in it and the cart checked out at central under that id:
completing the sale again asks again, central answers with the same order, and the sale is recorded (retry).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import Conflict, DomainError
from common.tx import Writes
from pos.adapters.central_carts import Refused, Unreachable, carts_client_for
from pos.adapters.tables import OnlineCartCopy, OnlineCartOpen, Sale

from .after_sale import CompletedSale
from .central_outcome import taken
from .context import StoreContext
from .discount_rules import promote, promote_sale, store_promos
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
    lines = lines_of(s, sale_id)
    for line in lines:
        if line.sku in skus:
            promote(line, offers, now)
    promote_sale(lines, offers, now)  # a mixed multi-buy's sets counted over the sale's lines
    s.flush()


def link_sale(s: Session, ctx: StoreContext, opened: OnlineCartOpen, sale: Sale) -> None:
    """This opening now belongs to the sale (one online cart per sale); its promotions go on the lines."""
    other = s.scalar(
        select(OnlineCartOpen.code).where(
            OnlineCartOpen.sale_id == sale.id, OnlineCartOpen.state == "in_sale", OnlineCartOpen.id != opened.id
        )
    )
    if other:
        raise Conflict("one_online_cart", f"this sale already holds online cart {other}: finish it first")
    opened.sale_id, opened.state = sale.id, "in_sale"
    apply_promotions(s, ctx, sale.id, {l["sku"] for l in json.loads(opened.lines)})


def on_ticket_taken(s: Session, ctx: StoreContext, kiosk_cart_id: str, sale: Sale) -> dict[str, Any] | None:
    """Called by the kiosk-ticket take inside its transaction: a ticket made from an online cart links the sale."""
    opened = s.scalar(
        select(OnlineCartOpen).where(OnlineCartOpen.kiosk_cart_id == kiosk_cart_id, OnlineCartOpen.state == "sent")
    )
    if opened is None:
        return None
    link_sale(s, ctx, opened, sale)
    return {"code": opened.code, "confirmed": opened.confirmed}


def _payload(
    ctx: StoreContext,
    opened: OnlineCartOpen,
    sale_id: str,
    number: str,
    till_id: str,
    total: int,
    completed_at: str | None,
) -> dict[str, Any]:
    return {
        "cart_id": opened.cart_id,
        "code": opened.code,
        "checkout_id": sale_id,
        "sale_id": sale_id,
        "number": number,
        "till_id": till_id,
        "fence": opened.fence,
        "confirmed": opened.confirmed,
        "total": total,
        "completed_at": completed_at,
        "store_id": ctx.store_id,
    }


@dataclass(frozen=True)
class PendingCheckout:
    cart_id: str
    code: str
    body: dict[str, Any]


_O = OnlineCartOpen.__table__
_IN_SALE_ID = select(_O.c.id).where(_O.c.sale_id == bindparam("sale_id"), _O.c.state == "in_sale")


def _in_sale(s: Session, sale_id: str) -> OnlineCartOpen | None:
    # Asked on every sale's completion and most sales hold no cart: a plain probe first, the object only if one.
    found = s.scalar(_IN_SALE_ID, {"sale_id": sale_id})
    return s.get(OnlineCartOpen, found) if found is not None else None


def pending_checkout(
    s: Session, ctx: StoreContext, view: dict[str, Any], number: Callable[[], str], at: str
) -> PendingCheckout | None:
    """The central checkout this sale needs before it completes: a cart claimed at central (an unconfirmed one,
    opened from the synced copy, is told by the outbox event alone)."""
    opened = _in_sale(s, view["id"])
    if opened is None or not opened.confirmed:
        return None
    payload = _payload(ctx, opened, view["id"], number(), view["till_id"], view["total"], at)
    body = {k: payload[k] for k in ("checkout_id", "sale_id", "number", "till_id", "fence", "total", "completed_at")}
    return PendingCheckout(opened.cart_id, opened.code, {**body, "device_id": opened.device_id[:32]})


def check_out_at_central(ctx: StoreContext, pending: PendingCheckout) -> bool:
    """True when central recorded it now; False when it could not be asked (the outbox event will tell it)."""
    client = carts_client_for(ctx.config)
    if client is None:
        return False
    try:
        client.checkout(pending.cart_id, pending.body)
        return True
    except Unreachable:
        return False
    except Refused as e:
        raise CheckoutRefused(
            f"online_cart_{e.code}",
            f"online cart {pending.code}: {e.message}. The sale was not finished: give the payment back and void it",
            cart_code=pending.code,
        ) from e


def on_sale(s: Session, ctx: StoreContext, sale: CompletedSale) -> dict[str, Any]:
    opened = _in_sale(s, sale.id)
    if opened is None:
        return {}
    confirmed_now = taken(s, sale.id).cart_recorded is True  # central was asked before this transaction began
    payload = _payload(ctx, opened, sale.id, sale.number, sale.till_id, sale.total, sale.completed_at)
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

    def __call__(self, db: Writes, fact: CompletedSale, added: Mapping[str, Any]) -> dict[str, Any]:
        # Most sales hold no cart: a probe by the driver, and the ORM session only for one that does.
        if db.run(_IN_SALE_ID, {"sale_id": fact.id}).fetchone() is None:
            return {}
        return on_sale(db.session, self.ctx, fact)
