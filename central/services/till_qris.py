"""Dynamic QRIS at the stores' tills (issue 17 point 4): a store asks for a QRIS charge of a sale's amount due with
an id it made up front (a retry is the same charge), central asks the gateway, and believes a payment only from a
status check (a signed notification starts one; so does the store's poll now and then, and the sweep). The gateway
keys never leave central. No call to the gateway happens inside a transaction: the charge's row is written first
(asking), the gateway asked, then its answer recorded."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.tables import Sale, TillCharge
from common.errors import Conflict, NotFound

from . import payments
from .context import CentralContext
from .gateway import PAID, RANK, GatewayError, GatewayStatus
from .payments import gateway

ORDER_PREFIX = "TQ-"
CHECK_EVERY = timedelta(seconds=10)  # a pending charge is asked about at most this often on the store's poll
WAIT_FOR_FIRST = 8.0  # seconds a retry waits for the first request of the same id to get its QR from the gateway


def order_id_of(charge_id: str) -> str:
    return ORDER_PREFIX + charge_id.replace("-", "")


def charge_json(c: TillCharge) -> dict[str, Any]:
    return {
        "charge_id": c.id,
        "sale_id": c.sale_id,
        "till_id": c.till_id,
        "order_id": c.order_id,
        "amount": c.amount,
        "status": c.status,
        "paid": c.status in PAID,
        "open": c.rank < 2,
        "qr_string": c.qr_string if c.rank < 2 else None,
        "transaction_id": c.transaction_id,
        "refunded": c.refunded,
        "expires_at": c.expires_at.isoformat() + "Z",
    }


def own_charge(s: Session, store_id: str, charge_id: str, lock: bool = False) -> TillCharge:
    """The store's own charge; another store's is as unknown as one that does not exist."""
    q = select(TillCharge).where(TillCharge.id == charge_id)
    c = s.scalar(q.with_for_update() if lock else q)
    if c is None or c.store_id != store_id:
        raise NotFound("unknown_charge", f"this store has no QRIS charge {charge_id}")
    return c


def _same_request(c: TillCharge, sale_id: str, till_id: str, amount: int) -> None:
    if (c.sale_id, c.till_id, c.amount) != (sale_id, till_id, amount):
        raise Conflict(
            "charge_id_reused",
            f"QRIS charge {c.id} was asked for sale {c.sale_id} of {c.amount}: a new charge needs a new id",
        )


def _reserve(ctx: CentralContext, store_id: str, charge_id: str, sale_id: str, till_id: str, amount: int) -> bool:
    """Write the charge's row (asking) before the gateway is asked; False when it exists already (a retry)."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        c = s.get(TillCharge, charge_id)
        if c is not None:
            if c.store_id != store_id:
                raise NotFound("unknown_charge", f"this store has no QRIS charge {charge_id}")
            _same_request(c, sale_id, till_id, amount)
            return False
        others = s.execute(  # the same id committed a moment ago by a concurrent retry is not another charge
            select(TillCharge.store_id, TillCharge.rank).where(
                TillCharge.sale_id == sale_id, TillCharge.id != charge_id
            )
        ).all()
        sale = s.get(Sale, sale_id)
        if any(o[0] != store_id for o in others) or (sale is not None and sale.store_id != store_id):
            raise Conflict("sale_of_another_store", f"sale {sale_id} is not a sale of store {store_id}")
        if sale is not None:
            raise Conflict("sale_already_recorded", f"sale {sale.number} is completed: it takes no new payment")
        if any(o[1] < 2 for o in others):
            raise Conflict("charge_waiting", "a QRIS charge for this sale is still waiting: cancel it first")
        minutes = ctx.config.payments.till_expiry_minutes
        s.add(
            TillCharge(
                id=charge_id,
                store_id=store_id,
                sale_id=sale_id,
                till_id=till_id,
                order_id=order_id_of(charge_id),
                amount=amount,
                status="asking",
                rank=0,
                refunded=0,
                expires_at=now + timedelta(minutes=minutes),
                created_at=now,
                updated_at=now,
            )
        )
    return True


def create(ctx: CentralContext, store_id: str, charge_id: str, sale_id: str, till_id: str, amount: int) -> dict:
    """A QRIS charge for the store's sale; the same id again returns the same charge (and its QR)."""
    if ctx.gateway is None or not ctx.config.payments.server_key:  # a setting, not an outage: a clear refusal
        raise Conflict("gateway_not_configured", "dynamic QRIS is not set up at this central store (no gateway key)")
    try:
        first = _reserve(ctx, store_id, charge_id, sale_id, till_id, amount)
    except IntegrityError:  # the same id at the same moment: the other request asks the gateway
        first = False
        _reserve(ctx, store_id, charge_id, sale_id, till_id, amount)
    if not first:
        return _when_asked(ctx, store_id, charge_id)
    order_id, minutes = order_id_of(charge_id), ctx.config.payments.till_expiry_minutes
    try:
        made = gateway(ctx).charge_qris(order_id, amount, minutes)
    except GatewayError:
        with ctx.db.unit_of_work() as s:
            apply(s, ctx, charge_id, GatewayStatus(order_id, "failure", amount))
        raise
    with ctx.db.unit_of_work() as s:
        c = own_charge(s, store_id, charge_id, lock=True)
        c.qr_string, c.transaction_id = made.qr_string, (made.transaction_id or None)
        if c.rank < 1:
            c.status, c.rank = "pending", 1
        c.updated_at = ctx.clock()
        return charge_json(c)


def _when_asked(ctx: CentralContext, store_id: str, charge_id: str) -> dict[str, Any]:
    """A retry: the charge as the first request left it, once the gateway has answered it (or given up)."""
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        with ctx.db.sessions() as s:
            c = own_charge(s, store_id, charge_id)
            ready = c.qr_string is not None or c.rank >= 2  # the gateway's pending notice may come before its QR
            if ready or time.monotonic() > deadline:
                if not ready:
                    raise GatewayError("charge_not_ready", "the gateway has not answered this charge yet: try again")
                return charge_json(c)
        time.sleep(0.1)


def apply(s: Session, ctx: CentralContext, charge_id: str, st: GatewayStatus) -> bool:
    """Bring the charge up to what the gateway confirmed, under its row lock; True if its status moved."""
    c = s.scalar(select(TillCharge).where(TillCharge.id == charge_id).with_for_update())
    assert c is not None
    now = ctx.clock()
    c.checked_at = now
    if st.rank <= c.rank or st.transaction_status not in RANK:
        return False
    if st.paid and c.settled_at is None:
        c.settled_at = now
    c.status, c.rank, c.updated_at = st.transaction_status, RANK[st.transaction_status], now
    c.transaction_id = st.transaction_id or c.transaction_id
    return True


def confirm(ctx: CentralContext, charge_id: str, order_id: str, amount: int) -> tuple[GatewayStatus, bool]:
    """Ask the gateway about the charge, then apply what it says when its amount is the charge's."""
    return payments.confirm(ctx, charge_id, order_id, amount, apply)


def find(ctx: CentralContext, order_id: str) -> tuple[str, int] | None:
    """The charge a gateway order id names (a notification's), as (id, amount)."""
    if not order_id.startswith(ORDER_PREFIX):
        return None
    with ctx.db.sessions() as s:
        row = s.execute(select(TillCharge.id, TillCharge.amount).where(TillCharge.order_id == order_id)).first()
        return (str(row[0]), int(row[1])) if row else None


def get(ctx: CentralContext, store_id: str, charge_id: str) -> dict[str, Any]:
    """The store's poll: what central knows, after a status check when the notification may be late or lost."""
    now = ctx.clock()
    with ctx.db.sessions() as s:
        c = own_charge(s, store_id, charge_id)
        due = c.rank == 1 and (c.expires_at <= now or c.checked_at is None or now - c.checked_at >= CHECK_EVERY)
        order_id, amount = c.order_id, c.amount
    if due:
        try:
            confirm(ctx, charge_id, order_id, amount)
        except GatewayError:
            pass  # the store polls again; what central knows is still true
    with ctx.db.sessions() as s:
        return charge_json(own_charge(s, store_id, charge_id))


def cancel(ctx: CentralContext, store_id: str, charge_id: str) -> dict[str, Any]:
    """The cashier withdraws the QR; a charge the shopper paid meanwhile stays paid (the answer says so)."""
    with ctx.db.sessions() as s:
        c = own_charge(s, store_id, charge_id)
        if c.rank >= 2:
            return charge_json(c)
        order_id, amount = c.order_id, c.amount
    try:
        st = gateway(ctx).cancel(order_id)
    except GatewayError as e:
        if e.detail.get("gateway_code") != "404":
            st, _ = confirm(ctx, charge_id, order_id, amount)  # e.g. paid a moment ago: not cancellable
            with ctx.db.sessions() as s:
                return charge_json(own_charge(s, store_id, charge_id))
        st = GatewayStatus(order_id, "cancel", amount)  # the gateway never made it
    with ctx.db.unit_of_work() as s:
        if st.gross_amount == amount:
            apply(s, ctx, charge_id, st)
        return charge_json(own_charge(s, store_id, charge_id))


def sweep(ctx: CentralContext) -> int:
    """Charges past their expiry with no word from the gateway: ask it (a lost notification, a store gone quiet)."""
    with ctx.db.sessions() as s:
        due = s.execute(
            select(TillCharge.id, TillCharge.order_id, TillCharge.amount).where(
                TillCharge.rank < 2, TillCharge.expires_at < ctx.clock()
            )
        ).all()
    return payments.settle_lapsed(ctx, due, apply)
