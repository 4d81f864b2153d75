"""Kiosk carts: priced at current prices, sent to the tills as a ticket (K-12 + signed QR), taken once by a till."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound
from common.pricing import LineInput, price_sale
from common.promotions import Promo, best_promotion
from pos.adapters.tables import KioskCart, Product, Sale, SaleLine

from . import online_cart_sales, printing, sales
from .auth import Actor
from .catalog import find_product, tax_rate
from .context import StoreContext
from .discount_rules import promote, store_promos
from .records import next_value
from .sale_views import lines_of

MAX_LINES = 100
MAX_LINE_QTY = 99
QR_PREFIX = "K1"
_CODE = re.compile(r"^K-?0*(\d{1,5})$", re.IGNORECASE)
_PAYLOAD = re.compile(r"^K1\.([0-9a-f-]{36})\.([0-9a-f]{20})$", re.IGNORECASE)


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
    promos = store_promos(s)
    for i, (sku, qty) in enumerate(_merge(lines)):
        p = find_product(s, sku=sku)
        if p.measure != "unit":  # a kiosk cart counts items; the till weighs or reads the label
            raise DomainError(
                "weighed_at_till", f"{p.name} is weighed or priced by its label: take it to the till", name=p.name
            )
        best = best_promotion(promos, p.sku, p.price, qty, now)
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


def _zone(ctx: StoreContext) -> ZoneInfo:
    try:
        return ZoneInfo(getattr(ctx.config.store, "timezone", "Asia/Jakarta"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local_day(ctx: StoreContext, at: datetime) -> str:
    """The store's calendar day, so K-1 starts at local midnight, not UTC midnight."""
    return at.replace(tzinfo=UTC).astimezone(_zone(ctx)).date().isoformat()


def _local_time(ctx: StoreContext, at: datetime) -> str:
    return at.replace(tzinfo=UTC).astimezone(_zone(ctx)).strftime("%H:%M")


def _signature(ctx: StoreContext, cart_id: str) -> str:
    # The store id is in the MAC, so a ticket from another store (or a made-up id) never verifies here.
    msg = f"kiosk-cart|{ctx.store_id}|{cart_id.lower()}".encode()
    return hmac.new(ctx.config.server.secret_key.encode(), msg, hashlib.sha256).hexdigest()[:20]


def qr_payload(ctx: StoreContext, cart_id: str) -> str:
    """What the ticket's QR holds: short, ASCII only, so a wedge scanner at the till types it reliably."""
    return f"{QR_PREFIX}.{cart_id}.{_signature(ctx, cart_id)}"


def is_ticket_payload(text: str) -> bool:
    return bool(_PAYLOAD.match(text.strip()))


def verified_cart_id(ctx: StoreContext, payload: str) -> str | None:
    """The cart id in a genuine ticket QR of this store, else None."""
    m = _PAYLOAD.match(payload.strip())
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
        "sent_at_local": _local_time(ctx, cart.created_at),
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
            code=f"K-{seq}",
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
            {"code": c.code, "items": c.items, "total": c.total, "sent_at_local": _local_time(ctx, c.created_at)}
            for c in carts
        ]


def _find(ctx: StoreContext, s: Session, ref: str, now: datetime) -> KioskCart:
    """The cart a scanned QR or a typed code names; unknown or expired is 404, already taken is 409."""
    ref = (ref or "").strip()
    cart: KioskCart | None = None
    if is_ticket_payload(ref):
        cart_id = verified_cart_id(ctx, ref)
        cart = s.get(KioskCart, cart_id) if cart_id else None
        shown = cart.code if cart else "this ticket"
    elif m := _CODE.match(ref):
        shown = f"K-{int(m.group(1))}"
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
            f"at {_local_time(ctx, cart.taken_at or now)}",
            ticket=cart.code,
            till=cart.taken_till,
        )
    if cart.expires_at <= now:
        raise NotFound(
            "expired_ticket", f"kiosk cart {cart.code} has expired: scan the items instead", ticket=cart.code
        )
    return cart


def _add_to_sale(s: Session, sale: Sale, product: Product, qty: int, promos: list[Promo], now: datetime) -> None:
    """Like a scan at the till: the same item again adds to its line, and central's promotion prices it."""
    lines = lines_of(s, sale.id)
    top = max((l.position for l in lines), default=0) + 1
    same = next((l for l in lines if l.sku == product.sku and (not l.discount_kind or l.promotion_id)), None)
    if same is not None:
        if same.qty + qty > sales.MAX_QTY:
            raise DomainError("bad_quantity", f"quantity cannot be more than {sales.MAX_QTY}")
        same.qty, same.position = same.qty + qty, top
        promote(same, promos, now)
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


def take(ctx: StoreContext, actor: Actor, ref: str) -> dict[str, Any]:
    """Load a kiosk cart into this till's open sale at today's prices, once; a second take is refused."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        _find(ctx, s, ref, now)  # refuse a bad code before a sale is even opened
    sale_view, _ = sales.create_sale(ctx, actor)
    outcome: dict[str, Any] = {}

    def change(s: Session, sale: Sale) -> None:
        cart = _find(ctx, s, ref, now)
        sales._no_tenders(s, sale)  # noqa: SLF001 - the till's own rule: no new lines once payment has started
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
            _add_to_sale(s, sale, product, int(item["qty"]), promos, now)
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

    view = sales._run(ctx, actor, sale_view["id"], change)  # noqa: SLF001 - one transaction with the sale's totals
    ctx.notify("kiosk_cart_taken", {"code": outcome["code"], "by_till": actor.till_id})
    return {"sale": view, "kiosk_cart": outcome}
