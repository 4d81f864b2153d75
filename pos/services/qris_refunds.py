"""A refund of a sale paid by dynamic QRIS goes back to the shopper through the central store and the gateway
(issue 17): sent first with an id made here, recorded at the till once central says
the gateway took it, with the gateway's reference. A refusal leaves the sale un-refunded, with a clear message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from common.errors import Conflict, DomainError
from common.tenders import GATEWAY_TENDERS
from pos.adapters.central_qris import Refused, Unreachable, qris_client_for
from pos.adapters.tables import QrisCharge, Refund

from .context import StoreContext


class GatewayRefundUnavailable(DomainError):
    status = 503


@dataclass(frozen=True)
class Sent:
    refund_id: str
    reference: str
    amount: int


def send(ctx: StoreContext, sale_id: str, sale_number: str, amount: int, reason: str | None) -> Sent:
    if amount < 1:
        raise DomainError("nothing_to_refund_by_qris", f"nothing of sale {sale_number} goes back by QRIS")
    with ctx.db.sessions() as s:
        charge = s.scalar(
            select(QrisCharge).where(QrisCharge.sale_id == sale_id, QrisCharge.tender_id.is_not(None)).limit(1)
        )
        if charge is None:
            raise DomainError("not_paid_by_qris", f"sale {sale_number} was not paid by dynamic QRIS: refund it in cash")
        before = s.scalar(
            select(func.coalesce(func.sum(Refund.amount), 0)).where(
                Refund.sale_id == sale_id, Refund.tender_type.in_(GATEWAY_TENDERS)
            )
        )
        left = charge.amount - int(before or 0)
        charge_id = charge.id
    if amount > left:
        raise DomainError(
            "refund_exceeds_qris",
            f"only {left} of sale {sale_number} can still go back by QRIS; refund the rest in cash",
        )
    client = qris_client_for(ctx.config)
    if client is None:
        raise GatewayRefundUnavailable("central_unreachable", "this store is not connected to the central store")
    # The same refund asked again before it was recorded here (a timeout, a crash) has the same id, so central and
    # the gateway give it back once: the id follows from the charge, what was refunded before and the amount.
    refund_id = str(uuid.uuid5(uuid.UUID(charge_id), f"refund:{left}:{amount}"))
    try:
        answer = client.refund(charge_id, refund_id, amount, reason or "")
    except Unreachable:
        raise GatewayRefundUnavailable(
            "central_unreachable", "the central store cannot be reached: nothing was refunded; try again"
        ) from None
    except Refused as e:
        raise Conflict(
            "qris_refund_refused", f"the payment gateway refused the refund, nothing was refunded: {e.message}"
        ) from None
    return Sent(refund_id, str(answer.get("reference") or refund_id)[:64], amount)
