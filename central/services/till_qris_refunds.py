"""Refunds of a till sale paid by dynamic QRIS (issue 17 point 5): the store sends the refund with an id it made
(a retry is the same refund), central sends it to the gateway under that id and records it with the gateway's
reference. A refusal by the gateway is a clear 409 that records nothing, so the store leaves the sale un-refunded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from central.tables import TillChargeRefund
from common.errors import Conflict, DomainError

from .context import CentralContext
from .gateway import RANK, GatewayError
from .payments import gateway
from .till_qris import own_charge


class GatewayRefused(Conflict):
    """The gateway read the refund and said no: the store must not record it."""


def _json(r: TillChargeRefund, charge_refunded: int) -> dict[str, Any]:
    return {
        "refund_id": r.id,
        "charge_id": r.charge_id,
        "amount": r.amount,
        "reference": r.reference,
        "charge_refunded": charge_refunded,
    }


def refund(
    ctx: CentralContext, store_id: str, charge_id: str, refund_id: str, amount: int, reason: str
) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        c = own_charge(s, store_id, charge_id)
        done = s.get(TillChargeRefund, refund_id)
        if done is not None:
            if (done.charge_id, done.amount) != (charge_id, amount):
                raise Conflict("refund_id_reused", f"refund {refund_id} was sent for another charge or amount")
            return _json(done, c.refunded)
        if c.status not in ("settlement", "capture", "partial_refund"):
            raise Conflict(
                "charge_not_refundable", f"QRIS charge {charge_id} is {c.status}: only a paid one is refunded"
            )
        left = c.amount - c.refunded
        if not 1 <= amount <= left:
            raise DomainError("refund_exceeds_charge", f"at most {left} of this QRIS payment can still be refunded")
        order_id = c.order_id
    try:
        st = gateway(ctx).refund(order_id, refund_id, amount, reason.strip()[:200] or "refund at the till")
    except GatewayError as e:
        if e.code == "gateway_refused":
            raise GatewayRefused("gateway_refused_refund", e.message, **e.detail) from None
        raise
    reference = next((r.reference or r.key for r in st.refunds if r.key == refund_id), "") or refund_id
    try:
        with ctx.db.unit_of_work() as s:
            c = own_charge(s, store_id, charge_id, lock=True)
            row = TillChargeRefund(
                id=refund_id,
                charge_id=charge_id,
                store_id=store_id,
                amount=amount,
                reason=reason.strip()[:200],
                reference=reference[:64],
                created_at=ctx.clock(),
            )
            s.add(row)
            c.refunded += amount
            if st.gross_amount == c.amount and st.rank > c.rank:
                c.status, c.rank = st.transaction_status, RANK[st.transaction_status]
            c.updated_at = ctx.clock()
            s.flush()
            return _json(row, c.refunded)
    except IntegrityError:  # the same refund id at the same moment: the gateway took it once (same key)
        with ctx.db.sessions() as s:
            again = s.scalar(select(TillChargeRefund).where(TillChargeRefund.id == refund_id))
            assert again is not None
            return _json(again, own_charge(s, store_id, charge_id).refunded)
