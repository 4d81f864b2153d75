"""Opening an online cart at the kiosk or till: claim it at central (2 s at most), else open the synced copy
("not confirmed"); price it at this store's prices and promotions, mark what this store lacks; then send it to a
till as a kiosk ticket, or take it straight into the till's sale."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from common.cart_codes import parse_reference
from common.errors import Conflict, DomainError, NotFound
from common.mixed_sets import Item, promote_lines
from common.pricing import LineInput, price_sale
from common.tables import new_id
from common.timestamps import parse_time
from pos.adapters.central_carts import Refused, Unreachable, carts_client_for
from pos.adapters.tables import KioskCart, OnlineCartCopy, OnlineCartOpen, Product, Sale

from . import kiosk_cart_sales, kiosk_carts, sale_change, till_sale
from .auth import Actor
from .catalog import on_hand, tax_rate
from .context import StoreContext
from .discount_rules import store_promos
from .online_cart_sales import link_sale


def _refused(e: Refused) -> DomainError:
    err = DomainError(e.code, e.message, **e.detail)
    err.status = e.status  # central's 404 / 409 / 410 / 422 reach the kiosk as they are
    return err


def price_here(s: Session, ctx: StoreContext, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The cart's lines at this store's prices and promotions now, with what changed since the shop showed them
    and what this store lacks (not sold here, or less on hand than wanted)."""
    skus = [l["sku"] for l in lines]
    products = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_(skus), Product.active.is_(True)))}
    stock, offers, now = on_hand(s, skus), store_promos(s), ctx.clock()
    out, inputs = [], []
    here = [Item(str(i), p.sku, p.price, int(l["qty"])) for i, l in enumerate(lines) if (p := products.get(l["sku"]))]
    given = promote_lines(offers, here, now)  # the till's rule, a mixed multi-buy's sets over the cart's lines
    for i, l in enumerate(lines):
        p, qty = products.get(l["sku"]), int(l["qty"])
        if p is None:
            out.append({"sku": l["sku"], "name": l.get("name") or l["sku"], "qty": qty, "sold_here": False})
            continue
        best = given.get(str(i))
        inputs.append(
            LineInput(
                str(i), p.sku, p.name, p.price, qty, p.tax_group, tax_rate(s, p.tax_group), best[1] if best else None
            )
        )
        out.append(
            {
                "sku": p.sku,
                "barcode": p.barcode,
                "name": p.name,
                "qty": qty,
                "sold_here": True,
                "unit_price": p.price,
                "promo": best[0].name if best else None,
                "on_hand": stock.get(p.sku, 0),
                "short": stock.get(p.sku, 0) < qty,
                "online_unit_price": l.get("unit_price"),
                "online_net": l.get("net"),
            }
        )
    priced = {pl.line_id: pl for pl in price_sale(inputs).lines}
    for i, line in enumerate(out):
        pl = priced.get(str(i))
        if pl is None:
            continue
        line.update(gross=pl.gross, discount=pl.discount, net=pl.net)
        line["price_changed"] = line["online_net"] is not None and line["online_net"] != pl.net
    sold = [l for l in out if l["sold_here"]]
    return {
        "lines": out,
        "items": sum(l["qty"] for l in sold),
        "total": sum(l["net"] for l in sold),
        "total_online": sum(int(l.get("net") or 0) for l in lines),
        "price_changes": [
            {"sku": l["sku"], "name": l["name"], "qty": l["qty"], "was": l["online_net"], "now": l["net"]}
            for l in sold
            if l["price_changed"]
        ],
        "short": [
            {"sku": l["sku"], "name": l["name"], "qty": l["qty"], "on_hand": l["on_hand"]} for l in sold if l["short"]
        ],
        "unavailable": [{"sku": l["sku"], "name": l["name"], "qty": l["qty"]} for l in out if not l["sold_here"]],
    }


def _from_copy(s: Session, ctx: StoreContext, code: str, why: str | None) -> OnlineCartCopy:
    """Central did not answer (why), or this store is not connected (None): the synced copy of a cart reserved
    here, if the feed brought one."""
    copy = s.scalar(select(OnlineCartCopy).where(OnlineCartCopy.code == code))
    if (copy is None or copy.status == "gone") and why is None:
        raise kiosk_carts.NotConnected(
            "online_carts_not_connected",
            "online carts are not connected at this store: please ask a cashier for help",
            cart_code=code,
        )
    if copy is None or copy.status == "gone":
        raise kiosk_carts.NotConnected(
            "central_unreachable",
            f"the central store does not answer ({why}) and cart "
            f"{code} is not reserved at this store: try again in a moment",
            cart_code=code,
        )
    if copy.status == "checked_out":
        raise Conflict("cart_checked_out", f"cart {code} was already paid (as this store last heard)", cart_code=code)
    if copy.expires_at is not None and copy.expires_at <= ctx.clock():
        raise DomainError("cart_expired", f"cart {code} has expired", cart_code=code)
    if s.scalar(
        select(OnlineCartOpen.id).where(OnlineCartOpen.cart_id == copy.id, OnlineCartOpen.state == "checked_out")
    ):
        raise Conflict("cart_checked_out", f"cart {code} was already paid at this store", cart_code=code)
    return copy


def _busy_here(s: Session, ctx: StoreContext, code: str) -> None:
    """Already on its way to being paid at this store (a live kiosk ticket, or a sale still open): a second
    opening would take the claim from that till, so it is refused here, before central is asked."""
    for row in s.scalars(
        select(OnlineCartOpen).where(OnlineCartOpen.code == code, OnlineCartOpen.state.in_(("sent", "in_sale")))
    ):
        if row.state == "sent":
            ticket = s.get(KioskCart, row.kiosk_cart_id) if row.kiosk_cart_id else None
            if ticket is not None and ticket.state == "sent" and ticket.expires_at > ctx.clock():
                raise Conflict(
                    "cart_claimed",
                    f"cart {code} is waiting at the tills as kiosk ticket {ticket.code}",
                    cart_code=code,
                    store=ctx.store_id,
                    device=ticket.code,
                )
        else:
            sale = s.get(Sale, row.sale_id) if row.sale_id else None
            if sale is not None and sale.state in ("open", "parked"):
                raise Conflict(
                    "cart_claimed",
                    f"cart {code} is in a sale at till {sale.till_id}",
                    cart_code=code,
                    store=ctx.store_id,
                    device=sale.till_id,
                )


def open_cart(ctx: StoreContext, ref: str, device_id: str = "kiosk") -> dict[str, Any]:
    """Claim the cart at central (or open the synced copy, not confirmed) and price it here."""
    code = parse_reference(ref, ctx.config.loyalty.shop_id)
    with ctx.db.sessions() as s:
        _busy_here(s, ctx, code)
        # Opened here a moment ago (at the kiosk, say) and not sent on: renew that claim for this device, so the
        # till need not wait for the kiosk's lease to lapse.
        ours = s.scalar(
            select(OnlineCartOpen.fence)
            .where(OnlineCartOpen.code == code, OnlineCartOpen.state == "opened", OnlineCartOpen.fence.is_not(None))
            .order_by(OnlineCartOpen.opened_at.desc())
            .limit(1)
        )
    remote, why = None, None
    client = carts_client_for(ctx.config)
    if client is not None:
        try:
            try:
                remote = client.claim(code, device_id[:32], ours)
            except Refused as e:
                if ours is None or e.code != "stale_lease":
                    raise
                remote = client.claim(code, device_id[:32])  # that claim is gone: ask afresh
        except Refused as e:
            raise _refused(e) from e
        except Unreachable as e:
            why = str(e)
    with ctx.db.unit_of_work() as s:
        if remote is not None:
            cart_id, lines, confirmed = remote["id"], [l for l in remote["lines"] if l.get("sold")], True
            fence, lease = int(remote["fence"]), parse_time(remote.get("lease_expires_at"))
            reserved_here = bool(remote.get("reserved_here"))
        else:
            copy = _from_copy(s, ctx, code, why)
            cart_id, lines, confirmed, fence, lease = copy.id, json.loads(copy.lines), False, None, None
            reserved_here = bool(copy.reserved_until and copy.reserved_until > ctx.clock())
        # An earlier opening of the same cart here is over: its token is older than this one.
        s.execute(
            update(OnlineCartOpen)
            .where(OnlineCartOpen.cart_id == cart_id, OnlineCartOpen.state.in_(("opened", "sent")))
            .values(state="superseded")
        )
        opened = OnlineCartOpen(
            id=new_id(),
            cart_id=cart_id,
            code=code,
            confirmed=confirmed,
            fence=fence,
            lease_expires_at=lease,
            device_id=device_id[:32],
            state="opened",
            lines=json.dumps(lines, ensure_ascii=False),
            opened_at=ctx.clock(),
        )
        s.add(opened)
        s.flush()
        return {
            "open_id": opened.id,
            "cart_id": cart_id,
            "code": code,
            "confirmed": confirmed,
            "reserved_here": reserved_here,
            "lease_expires_at": lease.isoformat() if lease else None,
            **price_here(s, ctx, lines),
        }


def _opened(s: Session, open_id: str, states: tuple[str, ...] = ("opened",)) -> OnlineCartOpen:
    opened = s.get(OnlineCartOpen, open_id)
    if opened is None:
        raise NotFound("unknown_open_cart", "this online cart is no longer open here: scan its code again")
    if opened.state not in states:
        raise Conflict(
            "online_cart_moved_on",
            f"online cart {opened.code} was already sent on ({opened.state}): scan its code again",
            cart_code=opened.code,
        )
    return opened


def send_to_till(ctx: StoreContext, open_id: str, device_id: str = "kiosk") -> dict[str, Any]:
    """The opened cart as a kiosk ticket (K-12 + QR): the till takes it like any kiosk cart, once."""
    with ctx.db.sessions() as s:
        opened = _opened(s, open_id)
        code, view = opened.code, price_here(s, ctx, json.loads(opened.lines))
    pairs = [(l["sku"], l["qty"]) for l in view["lines"] if l["sold_here"]]
    if not pairs:
        raise DomainError("nothing_sold_here", "nothing in this cart is sold at this store")

    def link(s: Session, ticket: KioskCart) -> None:
        row = _opened(s, open_id)
        row.kiosk_cart_id, row.state = ticket.id, "sent"
        ticket.total = view["total"]  # with the promotions the till will apply when it takes the ticket

    ticket = kiosk_carts.send_to_till(ctx, pairs, device_id, link=link)
    return {**ticket, "online_cart": {"code": code, "total": view["total"]}}


def take_into_sale(ctx: StoreContext, actor: Actor, ref: str) -> dict[str, Any]:
    """At the till: the code or QR typed into the scan field opens the cart into this till's sale."""
    sale_view, _ = till_sale.create_sale(ctx, actor)  # no open shift -> refused before central is asked
    with ctx.db.sessions() as s:
        sale = s.get_one(Sale, sale_view["id"])
        sale_change.no_tenders(s, sale)  # the till's rule: lines fixed once paying
        held = s.scalar(
            select(OnlineCartOpen.code).where(
                OnlineCartOpen.sale_id == sale_view["id"], OnlineCartOpen.state == "in_sale"
            )
        )
        if held:
            raise Conflict("one_online_cart", f"this sale already holds online cart {held}: finish it first")
    opened = open_cart(ctx, ref, actor.till_id)
    outcome: dict[str, Any] = {}

    def change(s: Session, sale: Sale) -> None:
        row = _opened(s, opened["open_id"])
        promos, now = store_promos(s), ctx.clock()
        for line in opened["lines"]:
            product = s.scalar(select(Product).where(Product.sku == line["sku"], Product.active.is_(True)))
            if product is not None:
                kiosk_cart_sales.add_to_sale(s, sale, product, int(line["qty"]), promos, now)  # same as a ticket
        s.flush()
        link_sale(s, ctx, row, sale)
        outcome.update(
            kind="online",
            code=row.code,
            confirmed=row.confirmed,
            items=opened["items"],
            total_at_kiosk=opened["total_online"],
            price_changes=opened["price_changes"],
            unavailable=opened["unavailable"],
            short=opened["short"],
        )

    view = sale_change.run_change(ctx, actor, sale_view["id"], change)  # one transaction with the sale's totals
    return {"sale": view, "kiosk_cart": outcome}


def release(ctx: StoreContext, open_id: str) -> dict[str, Any]:
    """The shopper walked away from the kiosk: give the claim back so the cart is open online again at once."""
    with ctx.db.unit_of_work() as s:
        opened = _opened(s, open_id)
        opened.state = "released"
        cart_id, fence, device, code = opened.cart_id, opened.fence, opened.device_id, opened.code
    client = carts_client_for(ctx.config)
    if client is not None and fence is not None:
        try:
            client.release(cart_id, device, fence)
        except (Refused, Unreachable):
            pass  # the lease lapses on its own at central
    return {"code": code, "state": "released"}
