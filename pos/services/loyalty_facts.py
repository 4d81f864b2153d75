"""Points recorded with the sale or refund itself (an after-sale step, inside its transaction) and sent through the outbox.

A member sale earns 1 point per `earn_per_amount` paid after discounts (points paid do not earn) and uses its
points holds; a refund takes back the earned points in proportion and gives back the redeemed points in
proportion, counted cumulatively so refunding a sale in parts equals refunding it at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.loyalty import mask_name, points_earned, share
from common.tables import new_id
from common.timestamps import parse_time
from common.tx import Writes
from pos.adapters.tables import LoyaltyEntry, LoyaltyMember, LoyaltyRedemption, Refund, RefundLine, Sale, SaleMember

from .after_sale import CompletedRefund, CompletedSale, Fact, VoidedSale
from .context import StoreContext
from .loyalty import balance_of
from .loyalty_capture import capture
from .loyalty_settings import settings
from .ports import Outbox, PointsEntry, PointsLedger
from .records import SqlOutbox, emit_event


class SqlPointsLedger:
    """The PointsLedger port on the caller's session (the loyalty_entries table)."""

    def __init__(self, session: Session, ctx: StoreContext) -> None:
        self.session, self.ctx = session, ctx

    def add(self, entry: PointsEntry) -> None:
        self.session.add(
            LoyaltyEntry(
                id=entry.id,
                member_id=entry.member_id,
                kind=entry.kind,
                points=entry.points,
                sale_id=entry.sale_id,
                refund_id=entry.refund_id,
                event_id=entry.event_id,
                created_at=self.ctx.clock(),
            )
        )


def _sum(s: Session, sale_id: str, *where: Any) -> int:
    return int(
        s.scalar(select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(LoyaltyEntry.sale_id == sale_id, *where))
        or 0
    )


def on_sale(s: Session, ctx: StoreContext, sale: CompletedSale) -> dict[str, Any]:
    if sale.member_id is None:
        return {}
    device, member_id = sale.till_id, sale.member_id
    outbox, ledger = SqlOutbox(s, ctx), SqlPointsLedger(s, ctx)
    in_use = {t.id for t in sale.tenders if t.type == "points"}
    redeemed = 0
    for r in s.scalars(
        select(LoyaltyRedemption).where(LoyaltyRedemption.sale_id == sale.id, LoyaltyRedemption.state == "held")
    ):
        if r.tender_id not in in_use:  # the till removed that payment: give the hold back
            _release(s, ctx, r, device)
            continue
        capture(s, ctx, r)  # the hold is captured at central now, or the redemption becomes an offline one
        r.state = "used"
        r.event_id = outbox.emit(
            EventType.LOYALTY_REDEEMED,
            {
                "entry_id": r.id,
                "member_id": r.member_id,
                "sale_id": sale.id,
                "points": r.points,
                "mode": r.mode,
                "hold_id": r.hold_id,
                "allowance_id": r.allowance_id,
                "at": ctx.clock().isoformat(),
            },
            device,
        )
        ledger.add(PointsEntry(r.id, r.member_id, "redeem", -r.points, r.event_id, sale.id))
        redeemed += r.points
    # The rule in force at the sale's own time: central checks the points by that same rule.
    earned = earn(sale, settings(s, ctx, parse_time(sale.completed_at)).earn_per_amount, outbox, ledger)
    s.flush()
    m = s.get(LoyaltyMember, member_id)
    balance = balance_of(s, m) if m else None
    link = s.get(SaleMember, sale.id)
    if link is not None:  # a reprint and the digital receipt print the same balance as the paper
        link.points_balance = balance
    return {
        "loyalty": {
            "member_id": member_id,
            "number": m.number if m else "",
            "name": m.name if m else "",
            "masked_name": mask_name(m.name) if m else "",
            "earned": earned,
            "redeemed": redeemed,
            "balance": balance,
            "card": m.card if m else "",
        }
    }


def earn(sale: CompletedSale, earn_per_amount: int, outbox: Outbox, ledger: PointsLedger) -> int:
    """The points a member sale earns on what was paid after discounts, other than in points; booked and sent
    under one event id (0 and nothing written when the sale earns none)."""
    if sale.member_id is None:
        return 0
    basis = sale.total - sale.paid_in("points")
    earned = points_earned(basis, earn_per_amount)
    if earned:
        entry_id = new_id()
        event_id = outbox.emit(
            EventType.LOYALTY_EARNED,
            {"entry_id": entry_id, "member_id": sale.member_id, "sale_id": sale.id, "points": earned, "basis": basis},
            sale.till_id,
        )
        ledger.add(PointsEntry(entry_id, sale.member_id, "earn", earned, event_id, sale.id))
    return earned


def refund_points_back(s: Session, ctx: StoreContext, sale_id: str, refund_amount: int) -> tuple[int, int]:
    """(points, value) of the redeemed points a refund of `refund_amount` gives back; call before the refund's
    lines are written. The value is what the refund pays back in points instead of money."""
    if s.get(SaleMember, sale_id) is None:
        return 0, 0
    sale = s.get(Sale, sale_id)
    redeemed = -_sum(s, sale_id, LoyaltyEntry.kind == "redeem")
    if sale is None or redeemed <= 0:
        return 0, 0
    before = _refunded(s, sale_id)
    restored = _sum(s, sale_id, LoyaltyEntry.kind == "reverse", LoyaltyEntry.points > 0)
    value_each = settings(s, ctx).point_value
    points = share(redeemed, before + refund_amount, sale.total) - restored
    points = max(0, min(points, refund_amount // value_each))
    return points, points * value_each


def _refunded(s: Session, sale_id: str) -> int:
    return int(
        s.scalar(
            select(func.coalesce(func.sum(RefundLine.amount), 0))
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(Refund.sale_id == sale_id)
        )
        or 0
    )


def on_refund(s: Session, ctx: StoreContext, refund: CompletedRefund) -> dict[str, Any]:
    sale_id = refund.sale_id
    link = s.get(SaleMember, sale_id)
    sale = s.get(Sale, sale_id)
    if link is None or sale is None:
        return {}
    member_id, device = link.member_id, refund.till_id
    earned = _sum(s, sale_id, LoyaltyEntry.kind == "earn")
    taken = -_sum(s, sale_id, LoyaltyEntry.kind == "reverse", LoyaltyEntry.points < 0)
    reverse = max(0, share(earned, _refunded(s, sale_id), sale.total) - taken)
    restore = refund.points_back
    if reverse or restore:
        ledger = SqlPointsLedger(s, ctx)
        entry_id, restore_id = new_id(), new_id()
        event_id = SqlOutbox(s, ctx).emit(
            EventType.LOYALTY_REVERSED,
            {
                "member_id": member_id,
                "sale_id": sale_id,
                "refund_id": refund.id,
                "entry_id": entry_id if reverse else None,
                "points": reverse,
                "restore_entry_id": restore_id if restore else None,
                "restored": restore,
            },
            device,
        )
        if reverse:
            ledger.add(PointsEntry(entry_id, member_id, "reverse", -reverse, event_id, sale_id, refund.id))
        if restore:
            ledger.add(PointsEntry(restore_id, member_id, "reverse", restore, event_id, sale_id, refund.id))
        s.flush()
    m = s.get(LoyaltyMember, member_id)
    return {
        "loyalty": {
            "member_id": member_id,
            "number": m.number if m else "",
            "reversed": reverse,
            "restored": restore,
            "balance": balance_of(s, m) if m else None,
        }
    }


def restored_points(s: Session, refund_id: str) -> int:
    """Redeemed points a refund gave back (its positive reverse entry)."""
    return int(
        s.scalar(
            select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
                LoyaltyEntry.refund_id == refund_id, LoyaltyEntry.points > 0
            )
        )
        or 0
    )


def _release(s: Session, ctx: StoreContext, r: LoyaltyRedemption, device: str) -> None:
    r.state = "released"
    if r.mode == "online" and r.hold_id:
        emit_event(s, ctx, EventType.LOYALTY_RELEASED, {"hold_id": r.hold_id, "sale_id": r.sale_id}, device)


def on_void(s: Session, ctx: StoreContext, void: VoidedSale) -> dict[str, Any]:
    """A voided sale gives its points holds back at once (not when they lapse at central)."""
    for r in s.scalars(
        select(LoyaltyRedemption).where(LoyaltyRedemption.sale_id == void.id, LoyaltyRedemption.state == "held")
    ):
        _release(s, ctx, r, void.till_id)
    return {}


class BookPoints:
    """The after-sale step: member sales earn and use points, refunds take them back, voids free the holds."""

    handles = (CompletedSale, CompletedRefund, VoidedSale)

    def __init__(self, ctx: StoreContext) -> None:
        self.ctx = ctx

    def __call__(self, db: Writes, fact: Fact, added: Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(fact, CompletedSale):
            # Most sales have no member: nothing to book, and no ORM session made for it.
            return on_sale(db.session, self.ctx, fact) if fact.member_id is not None else {}
        if isinstance(fact, CompletedRefund):
            return on_refund(db.session, self.ctx, fact)
        return on_void(db.session, self.ctx, fact)


def receipt_info(s: Session, sale_id: str) -> dict[str, Any] | None:
    """A completed member sale's points as stored, with the balance its receipt printed (for a reprint and the
    digital receipt)."""
    link = s.get(SaleMember, sale_id)
    if link is None:
        return None
    m = s.get(LoyaltyMember, link.member_id)
    return {
        "member_id": link.member_id,
        "number": m.number if m else "",
        "name": m.name if m else "",
        "masked_name": mask_name(m.name) if m else "",
        "earned": _sum(s, sale_id, LoyaltyEntry.kind == "earn"),
        "redeemed": -_sum(s, sale_id, LoyaltyEntry.kind == "redeem"),
        "balance": link.points_balance,
        "card": m.card if m else "",
    }
