"""Dynamic QRIS at the till (issue 17): a charge of the sale's amount due, made by the central store's gateway,
shown on the till and the customer display, and taken as the sale's tender once central says the shopper paid.

The charge id is made here and written first, so a retry (the cashier pressing Q again, a restart) asks central
for the same charge; central is asked with no transaction open, and its answer recorded in a short one. With
central out of reach the cashier takes the store's static QRIS with a typed reference instead (tender `qris`,
listed for reconciliation in the manager's report)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.errors import Conflict, DomainError, NotFound
from common.qr_images import qr_svg
from common.tables import new_id
from common.tenders import GATEWAY_TENDERS
from pos.adapters.central_qris import Refused, Unreachable, qris_client_for
from pos.adapters.tables import QrisCharge, Sale
from pos.domain.tenders import Tender, check_new_tender

from . import sales
from .auth import Actor
from .context import StoreContext
from .sale_views import lines_of, load_sale, price, sale_json, tenders_of

TENDER = GATEWAY_TENDERS[0]  # "qris_dynamic"
LIVE = ("asking", "pending", "offline")  # a charge central may still hold open: pressing Q again asks for it again
PAID = ("settlement", "capture", "partial_refund", "refund")


class QrisOffline(DomainError):
    """Central cannot make or answer a charge now: the cashier falls back to the store's static QRIS."""

    status = 503


def _image(data: str | None) -> str | None:
    if not data:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data).encode()).decode()


def charge_json(c: QrisCharge, sale: dict[str, Any] | None = None) -> dict[str, Any]:
    live = c.status in ("asking", "pending")
    return {
        "charge_id": c.id,
        "sale_id": c.sale_id,
        "till_id": c.till_id,
        "amount": c.amount,
        "status": c.status,
        "paid": c.status in PAID,
        "open": live,
        "qr_string": c.qr_string if live else None,
        "qr_image": _image(c.qr_string) if live and c.status == "pending" else None,
        "expires_at": c.expires_at.isoformat() + "Z" if c.expires_at else None,
        "transaction_id": c.transaction_id,
        "sale": sale,
    }


def _own(s: Session, actor: Actor, charge_id: str) -> QrisCharge:
    c = s.get(QrisCharge, charge_id)
    if c is None or c.till_id != actor.till_id:
        raise NotFound("unknown_charge", f"till {actor.till_id} has no QRIS charge {charge_id}")
    return c


def _reserve(ctx: StoreContext, actor: Actor, sale_id: str, amount: int) -> QrisCharge:
    """The sale's charge to ask central for: the one still live at this amount, or a new one (written first)."""
    with ctx.db.unit_of_work() as s:
        sale = load_sale(s, sale_id)
        if sale.state != "open" or sale.till_id != actor.till_id:
            raise Conflict("sale_not_open_here", f"sale {sale_id} is not open on till {actor.till_id}")
        lines, tenders = lines_of(s, sale.id), tenders_of(s, sale.id)
        if not lines:
            raise DomainError("empty_sale", "scan an item before taking payment")
        due = sale_json(ctx, sale, lines, tenders)["remaining"]
        if amount != due:
            raise DomainError("qris_amount_not_due", f"a QRIS charge is for the {due} still due, not {amount}", due=due)
        existing = [Tender(t.type, t.amount, t.reference) for t in tenders]
        check_new_tender(price(sale, lines).total, existing, Tender(TENDER, amount), confirmed=True)
        live = s.scalars(select(QrisCharge).where(QrisCharge.sale_id == sale.id, QrisCharge.status.in_(LIVE))).all()
        same = next((c for c in live if c.amount == amount), None)
        if same is not None:
            s.expunge(same)
            return same
        if live:
            raise Conflict("charge_waiting", "a QRIS charge for another amount is still open: cancel it first")
        now = ctx.clock()
        c = QrisCharge(
            id=new_id(), sale_id=sale.id, till_id=actor.till_id, amount=amount, status="asking", created_at=now
        )
        c.updated_at = now
        s.add(c)
        s.flush()
        s.expunge(c)
        return c


def _client(ctx: StoreContext) -> Any:
    client = qris_client_for(ctx.config)
    if client is None:
        raise QrisOffline("qris_offline", "this store is not connected to the central store: take the static QRIS")
    return client


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.rstrip("Z")) if text else None


def start(ctx: StoreContext, actor: Actor, sale_id: str, amount: int) -> dict[str, Any]:
    """Ask central for a QRIS charge of the amount due; the QR goes to the till and its customer display."""
    c = _reserve(ctx, actor, sale_id, amount)
    client = _client(ctx)
    try:
        answer = client.charge(c.id, c.sale_id, c.till_id, c.amount)
    except Unreachable:
        _mark(ctx, c.id, "offline")
        raise QrisOffline(
            "qris_offline", "the central store cannot be reached: take the static QRIS with its reference"
        ) from None
    except Refused as e:
        _mark(ctx, c.id, "failure")
        if e.code == "gateway_not_configured":  # the chain has no gateway (yet): the static QRIS it is
            raise QrisOffline("qris_offline", f"{e.message}: take the static QRIS with its reference") from None
        raise Conflict("qris_refused", f"the central store refused the QRIS charge: {e.message}") from None
    return _record(ctx, actor, c.id, answer)


def _mark(ctx: StoreContext, charge_id: str, status: str) -> None:
    with ctx.db.unit_of_work() as s:
        c = s.get(QrisCharge, charge_id)
        if c is not None and c.status in LIVE:
            c.status, c.updated_at = status, ctx.clock()


def _record(ctx: StoreContext, actor: Actor, charge_id: str, answer: dict[str, Any]) -> dict[str, Any]:
    """What central said about the charge; paid: the sale's tender, taken once (in the same transaction)."""
    status = str(answer.get("status") or "")
    if answer.get("paid"):
        with ctx.db.sessions() as s:
            c = _own(s, actor, charge_id)
            taken, sale_id, amount = c.tender_id is not None, c.sale_id, c.amount
            sale_open = s.scalar(select(Sale.state).where(Sale.id == sale_id)) == "open"
        if not taken and sale_open:

            def confirmed(s: Session, tender_id: str) -> None:
                c = s.get(QrisCharge, charge_id)
                assert c is not None
                if c.tender_id is not None:
                    raise Conflict("charge_taken", "this QRIS payment is already on the sale")
                c.tender_id, c.status, c.updated_at = tender_id, status, ctx.clock()
                c.transaction_id = str(answer.get("transaction_id") or "")[:64] or None

            reference = str(answer.get("transaction_id") or charge_id)[:64]
            try:
                sales.add_confirmed_tender(ctx, actor, sale_id, TENDER, amount, reference, confirmed)
            except Conflict as e:
                if e.code != "charge_taken":
                    raise
    with ctx.db.unit_of_work() as s:
        c = _own(s, actor, charge_id)
        if status and c.status != status and not (c.status in PAID and status not in PAID):
            c.status = status[:16]
        c.qr_string = answer.get("qr_string") or c.qr_string
        c.expires_at = _when(answer.get("expires_at")) or c.expires_at
        c.transaction_id = c.transaction_id or (str(answer.get("transaction_id") or "")[:64] or None)
        c.updated_at = ctx.clock()
        sale = load_sale(s, c.sale_id)
        view = charge_json(c, sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id)))
    ctx.notify("qris", {k: v for k, v in view.items() if k != "sale"})
    return view


def poll(ctx: StoreContext, actor: Actor, charge_id: str) -> dict[str, Any]:
    """Has the shopper paid? Central's answer (it checks with the gateway); unreachable: unchanged for now."""
    with ctx.db.sessions() as s:
        c = _own(s, actor, charge_id)
        if c.status not in ("asking", "pending"):
            sale = load_sale(s, c.sale_id)
            return charge_json(c, sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id)))
    try:
        answer = _client(ctx).status(charge_id)
    except Unreachable:
        with ctx.db.sessions() as s:
            c = _own(s, actor, charge_id)
            return {**charge_json(c), "central_unreachable": True}
    except Refused as e:
        raise Conflict("qris_refused", f"the central store refused: {e.message}") from None
    return _record(ctx, actor, charge_id, answer)


def cancel(ctx: StoreContext, actor: Actor, charge_id: str) -> dict[str, Any]:
    """The cashier withdraws the QR. Paid a moment before: the payment is taken instead (the answer says so).
    Central out of reach: cancelled here; central lets it lapse, and a payment after that is on its report."""
    with ctx.db.sessions() as s:
        c = _own(s, actor, charge_id)
        if c.status not in LIVE:
            return charge_json(c)
    try:
        answer = _client(ctx).cancel(charge_id)
    except (Unreachable, QrisOffline):
        _mark(ctx, charge_id, "cancel")
        answer = {"status": "cancel"}
    except Refused as e:
        if e.code != "unknown_charge":
            raise Conflict("qris_refused", f"the central store refused: {e.message}") from None
        _mark(ctx, charge_id, "cancel")  # central never made it (the first ask never arrived)
        answer = {"status": "cancel"}
    return _record(ctx, actor, charge_id, answer)
