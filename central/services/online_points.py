"""Points for orders paid in the online shop: the shopper gives their member card (number and phone, as on the
account page), the payment keeps it, and the order earns by the rule in force when the gateway confirms it,
on what was paid for goods (the delivery fee earns nothing). A refund takes back the refunded share of them: a
refund is of goods unless head office made it as a refund of the delivery fee (its key starts FEE_REFUND), which
takes back nothing, up to the order's fee.

Central writes these entries itself (no store reports them), in the payment's own transaction: once per sale,
because the payment's rank only grows; once per refund, because each refund fact is recorded once.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import Member, Payment, PaymentRefund, PointsEntry, Refund
from common.errors import NotFound
from common.loyalty import mask_name, points_earned, share

from . import loyalty, loyalty_rules
from .context import CentralContext
from .feed import FeedChange
from .stores import ONLINE

# The ledger notes of these entries: fixed words the admin page shows in its language (the order is their reference).
ONLINE_EARN = "online order"
ONLINE_TAKEN_BACK = "refund of online order: points earned taken back"
# The key of a refund of the delivery fee only (head office's choice on the payments page): it earned no points.
FEE_REFUND = "fee-"


def typed_number(raw: str) -> str:
    """A member number as typed: the spaces, dashes and dots of one copied from a card or a receipt left out."""
    return "".join(ch for ch in raw if not ch.isspace() and ch not in "-.")


def card(ctx: CentralContext, number: str, phone: str) -> str:
    """The member whose number and phone these are (the shop session keeps the id); both must match."""
    with ctx.db.sessions() as s:
        try:
            m = loyalty.find_member(s, ctx, phone=phone)  # a phone that is not one (letters) is said as such
        except NotFound:
            m = None
        if m is None or m.number != typed_number(number):
            raise NotFound("member_no_match", "the phone and member number do not match a member")
        loyalty.check_store_member(m)
        return m.id


def for_cart(ctx: CentralContext, member_id: str | None, total: int) -> dict[str, Any]:
    """What the cart says about points: what it would earn now, and whose card it would earn on (masked), if any; a
    card kept but blocked since is said as such (it earns nothing), not dropped without a word."""
    with ctx.db.sessions() as s:
        rule = loyalty_rules.rule_at(loyalty_rules.history(s, ctx), ctx.clock())
        m = s.get(Member, member_id) if member_id else None
        member = {"number": m.number, "name": mask_name(m.name), "blocked": m.blocked} if m is not None else None
        return {
            "earns": 0 if m is not None and m.blocked else points_earned(total, rule.earn_per_amount),
            "member": member,
        }


def payable_member(s: Session, member_id: str | None) -> str | None:
    """The card a payment starts with: a member that exists and is not blocked, else none."""
    m = s.get(Member, member_id) if member_id else None
    return m.id if m is not None and not m.blocked else None


def delivery_fee(payment: Payment) -> int:
    return int(json.loads(payment.lines).get("delivery_fee") or 0)


def _goods(payment: Payment) -> int:
    return payment.amount - delivery_fee(payment)


def fee_refunded(s: Session, payment_id: str) -> int:
    """What refunds made as the delivery fee's have given back of this payment (all recorded, whatever the fee)."""
    return int(
        s.scalar(
            select(func.coalesce(func.sum(PaymentRefund.amount), 0)).where(
                PaymentRefund.payment_id == payment_id, PaymentRefund.refund_key.startswith(FEE_REFUND)
            )
        )
        or 0
    )


def goods_refunded(s: Session, payment: Payment) -> int:
    """What of `payment.refunded` gave back goods: all but the fee's refunds, up to the fee (fee refunds beyond the
    fee, say two made at once, count as goods), and never more than the goods."""
    fee_part = min(fee_refunded(s, payment.id), delivery_fee(payment))
    return max(0, min(_goods(payment), payment.refunded - fee_part))


def _sum(s: Session, *where: Any) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(*where)) or 0)


def earn(s: Session, ctx: CentralContext, payment: Payment, sale_id: str) -> list[FeedChange]:
    """The paid order's points onto its card (none for a blocked card); the member's new balance for the feed."""
    m = s.get(Member, payment.member_id) if payment.member_id else None
    if m is None or m.blocked:
        return []
    rule = loyalty_rules.rule_at(loyalty_rules.history(s, ctx), ctx.clock())
    points = points_earned(_goods(payment), rule.earn_per_amount)
    if not points:
        return []
    loyalty.add_entry(s, ctx, m.id, "earn", points, store_id=ONLINE, ref_id=sale_id, note=ONLINE_EARN)
    return loyalty.changes_for(s, ctx, {m.id})


def take_back(s: Session, ctx: CentralContext, payment: Payment, refund: Refund) -> list[FeedChange]:
    """After `refund` (already counted in payment.refunded, its PaymentRefund added): the share of what the order
    earned that the goods refunded so far make, less what earlier refunds took, so refunding in parts takes back
    what refunding at once would; a refund of the delivery fee alone takes back nothing."""
    if not (payment.member_id and payment.sale_id):
        return []
    earned = _sum(s, PointsEntry.ref_id == payment.sale_id, PointsEntry.kind == "earn")
    refunds = select(Refund.id).where(Refund.sale_id == payment.sale_id)
    taken = -_sum(s, PointsEntry.ref_id.in_(refunds), PointsEntry.kind == "reverse")
    take = share(earned, goods_refunded(s, payment), _goods(payment)) - taken
    if take <= 0:
        return []
    loyalty.add_entry(
        s,
        ctx,
        payment.member_id,
        "reverse",
        -take,
        store_id=ONLINE,
        ref_id=refund.id,
        note=ONLINE_TAKEN_BACK,
    )
    return loyalty.changes_for(s, ctx, {payment.member_id})


def earned_by(s: Session, payment: Payment) -> int:
    """What the paid order earned (the order page says it)."""
    return _sum(s, PointsEntry.ref_id == payment.sale_id, PointsEntry.kind == "earn") if payment.sale_id else 0
