"""Sending the refunds online orders owe (short picks, cancellations) to the gateway, after the transaction that
recorded them: each under its own id as the gateway's refund key, so a retry (a crash, a timeout, housekeeping)
is the same refund and never a second one. The store never holds a gateway secret: it only sends its event."""

from __future__ import annotations

import logging

from sqlalchemy import select

from central.tables import OnlineOrder, OrderRefund, Payment, PaymentRefund

from . import payments
from .context import CentralContext
from .gateway import GatewayError

log = logging.getLogger(__name__)


def send_due(ctx: CentralContext, limit: int = 50) -> int:
    """Every due refund to the gateway; returns how many went. A gateway that does not answer leaves it due."""
    if ctx.gateway is None:
        return 0
    with ctx.db.sessions() as s:
        due = list(
            s.execute(
                select(OrderRefund.id, OrderRefund.amount, OrderRefund.reason, OnlineOrder.payment_id)
                .join(OnlineOrder, OnlineOrder.id == OrderRefund.order_id)
                .where(OrderRefund.state == "due")
                .order_by(OrderRefund.created_at)
                .limit(limit)
            )
        )
    sent = 0
    for refund_id, amount, reason, payment_id in due:
        try:
            payments.refund(ctx, payment_id, amount, reason, key=refund_id)
        except GatewayError as e:
            log.warning("order refund %s not sent yet: %s", refund_id, e.code)
            continue
        except Exception as e:  # noqa: BLE001 - refused by our own checks (nothing left to refund): say so, stop retrying
            _mark(ctx, refund_id, "failed", getattr(e, "message", str(e)))
            continue
        sent += _mark(ctx, refund_id, "sent", "")
    return sent


def _mark(ctx: CentralContext, refund_id: str, state: str, message: str) -> int:
    with ctx.db.unit_of_work() as s:
        r = s.scalar(select(OrderRefund).where(OrderRefund.id == refund_id).with_for_update())
        if r is None or r.state != "due":
            return 0
        got = s.scalar(select(PaymentRefund.id).where(PaymentRefund.refund_key == refund_id))
        if state == "failed" and got is not None:
            state = "sent"  # a concurrent sender's call went through first: it is the same refund
        r.state, r.message, r.sent_at = state, message[:500], ctx.clock()
        order = s.get(OnlineOrder, r.order_id)
        if order is not None:
            r.gateway_ref = s.scalar(select(Payment.transaction_id).where(Payment.id == order.payment_id))
        return int(state == "sent")
