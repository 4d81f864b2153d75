"""The gateway's notifications: the signature checked (a forgery is refused and raised), each body recorded once
by its digest (a replay is known, forever), its amount matched to the order, and then only a status check with
the gateway decides what is applied. Every refusal is an alert the admin sees."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from central.tables import Alert, Payment, PaymentNotification, TillCharge
from central.tables.base import new_id
from common.payment_signature import parse_gross_amount, signed

from . import notify_limit, payments, till_qris
from .cart_views import local_time
from .context import CentralContext
from .gateway import RANK, GatewayError, GatewayStatus
from .payment_apply import alert


def _record(
    ctx: CentralContext, body: dict[str, Any], digest: str, outcome: str, message: str, kind: str | None
) -> str:
    with ctx.db.unit_of_work() as s:
        n = PaymentNotification(
            id=new_id(),
            digest=digest,
            order_id=str(body.get("order_id") or "")[:64],
            transaction_status=str(body.get("transaction_status") or "")[:32],
            gross_amount=str(body.get("gross_amount") or "")[:24],
            outcome=outcome,
            message=message,
            received_at=ctx.clock(),
        )
        payment = s.scalar(select(Payment).where(Payment.order_id == n.order_id)) if n.order_id else None
        charge = s.scalar(select(TillCharge.id).where(TillCharge.order_id == n.order_id)) if payment is None else None
        n.payment_id = payment.id if payment else charge
        s.add(n)
        if kind:
            alert(s, ctx, kind, message, n.id)
        return n.id


def _mark(ctx: CentralContext, note_id: str, outcome: str) -> None:
    with ctx.db.unit_of_work() as s:
        n = s.get(PaymentNotification, note_id)
        assert n is not None
        n.outcome = outcome


def notify(ctx: CentralContext, body: Any, source: str = "") -> tuple[int, dict[str, Any]]:
    """A gateway notification: counted against its source address (a flood is refused before anything else),
    verified, matched to its order, then confirmed by a status check and applied."""
    notify_limit.admit(ctx, source or "unknown")
    if not isinstance(body, dict):
        body = {"raw": str(body)[:200]}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    order_id = str(body.get("order_id") or "")[:64]
    said = str(body.get("transaction_status") or "")
    if not signed(body, ctx.config.payments.server_key):
        message = f"a payment notification for order {order_id or '(none)'} ({said or 'no status'}) had a wrong or no signature: refused"
        try:
            _record(ctx, body, digest, "forged", message, "payment_forged")
        except IntegrityError:
            pass  # the same forgery again: already on record
        return 403, {"outcome": "forged", "message": "the notification's signature is not valid"}
    with ctx.db.sessions() as s:
        p = s.scalar(select(Payment).where(Payment.order_id == order_id))
        found = (p.id, p.amount) if p else None
    confirm: Callable[[CentralContext, str, str, int], tuple[GatewayStatus, bool]] = payments.confirm
    if found is None and (charge := till_qris.find(ctx, order_id)) is not None:
        found, confirm = charge, till_qris.confirm  # a dynamic QRIS shown at a store's till
    amount = parse_gross_amount(str(body.get("gross_amount")))
    outcome, message, kind = "received", f"{said} for order {order_id}", None
    if found is None:
        outcome, kind = "unknown", "payment_unknown_order"
        message = f"a signed notification names order {order_id}, which this central store never sent: ignored"
    elif amount != found[1]:
        outcome, kind = "mismatch", "payment_mismatch"
        message = (
            f"a notification for order {order_id} says {body.get('gross_amount')}, the order is {found[1]}: ignored"
        )
    try:
        note_id = _record(ctx, body, digest, outcome, message, kind)
    except IntegrityError:
        with ctx.db.unit_of_work() as s:
            first = s.scalar(select(PaymentNotification).where(PaymentNotification.digest == digest))
            assert first is not None
            unfinished = first.outcome in ("received", "failed")  # the gateway retries what we could not finish
            if not unfinished:
                alert(
                    s,
                    ctx,
                    "payment_replay",
                    f"the notification {said} for order {order_id} arrived again (a replay): nothing was changed",
                    first.id,
                )
            note_id, outcome = first.id, "received" if unfinished else first.outcome
        if not unfinished:
            return 200, {"outcome": "replay"}
    if outcome != "received" or found is None:
        return 200, {"outcome": outcome}
    try:
        st, changed = confirm(ctx, found[0], order_id, found[1])
    except GatewayError:
        _mark(ctx, note_id, "failed")
        raise  # 502: the gateway sends it again, and it is tried again
    if RANK.get(said, -1) > st.rank:
        with ctx.db.unit_of_work() as s:
            alert(
                s,
                ctx,
                "payment_unconfirmed",
                f"a notification said order {order_id} is {said}, the gateway says {st.transaction_status}: "
                "only the gateway's status was applied",
                note_id,
            )
    _mark(ctx, note_id, "applied" if changed else "ignored")
    return 200, {"outcome": "applied" if changed else "ignored", "status": st.transaction_status}


def alerts(ctx: CentralContext, limit: int = 100) -> list[dict[str, Any]]:
    """What the payment checks refused or flagged, newest first (forged, replayed, mismatched, paid twice)."""
    with ctx.db.sessions() as s:
        rows = s.scalars(
            select(Alert).where(Alert.kind.like("payment_%")).order_by(Alert.created_at.desc()).limit(limit)
        )
        return [
            {"kind": a.kind, "message": a.message, "at": local_time(ctx, a.created_at, "%d/%m/%Y %H:%M")} for a in rows
        ]
