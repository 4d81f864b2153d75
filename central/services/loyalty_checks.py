"""What a store's points events must hold: they name a member sale of that store that central holds, earn by
central's rule of the sale's time, take back no more than was earned and spend no more than the sale's points paid.

The store writes its points events after the sale's own event (same transaction, later store_seq), and the push
layer applies a store's events in store_seq order, so the sale is always here first when the store is honest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from central.tables import OfflineAllowance, PointsEntry, PointsHold, Refund, Sale, Tender
from common.loyalty import points_earned

from . import loyalty_rules
from .context import CentralContext
from .payloads import Refused

if TYPE_CHECKING:
    from .envelope import Event


def member_sale(s: Session, ev: Event, sale_id: str, member_id: str) -> Sale:
    sale = s.get(Sale, sale_id)
    if sale is None:
        raise Refused("unknown_sale", f"{ev.type} names sale {sale_id}, which the central store does not have")
    if sale.store_id != ev.store_id:
        raise Refused("other_store_sale", f"{ev.type} names sale {sale.number} of store {sale.store_id}")
    if sale.member_id != member_id:
        raise Refused(
            "member_not_on_sale", f"{ev.type} is for member {member_id}, who is not the member on sale {sale.number}"
        )
    return sale


def _points(s: Session, *where: ColumnElement[bool]) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(*where)) or 0)


def points_paid(s: Session, sale_id: str) -> int:
    return int(
        s.scalar(
            select(func.coalesce(func.sum(Tender.amount), 0)).where(Tender.sale_id == sale_id, Tender.type == "points")
        )
        or 0
    )


def rule_of(s: Session, ctx: CentralContext, sale: Sale) -> loyalty_rules.Rule:
    return loyalty_rules.rule_at(loyalty_rules.history(s, ctx), sale.completed_at or sale.recorded_at)


def check_earned(s: Session, ctx: CentralContext, ev: Event, sale: Sale, points: int) -> None:
    """Once per sale, exactly what the rule in force at the sale's time gives for what was paid other than in points."""
    if _points(s, PointsEntry.ref_id == sale.id, PointsEntry.kind == "earn"):
        raise Refused("already_earned", f"sale {sale.number} has already earned its points")
    rule = rule_of(s, ctx, sale)
    basis = sale.total - points_paid(s, sale.id)
    want = points_earned(basis, rule.earn_per_amount)
    if points != want:
        raise Refused(
            "points_not_by_rule",
            f"sale {sale.number} earns {want} points (1 per "
            f"{rule.earn_per_amount} of {basis} paid, the rule from "
            f"{rule.effective_from:%d/%m/%Y %H:%M}), not {points}",
        )


def _refunds_of(sale_id: str) -> Select[str]:
    return select(Refund.id).where(Refund.sale_id == sale_id)


def check_reversed(s: Session, ev: Event, sale: Sale, refund_id: str, points: int, restored: int) -> None:
    """Names a refund of that sale; takes back at most what the sale earned and gives back at most what it spent."""
    refund = s.get(Refund, refund_id)
    if refund is None or refund.sale_id != sale.id:
        raise Refused(
            "unknown_refund", f"{ev.type} names refund {refund_id}, which central does not hold for sale {sale.number}"
        )
    earlier = PointsEntry.ref_id.in_(_refunds_of(sale.id))
    earned = _points(s, PointsEntry.ref_id == sale.id, PointsEntry.kind == "earn")
    taken = -_points(s, earlier, PointsEntry.kind == "reverse", PointsEntry.points < 0)
    if taken + points > earned:
        raise Refused(
            "reversal_exceeds_earned",
            f"sale {sale.number} earned {earned} points and {taken} were taken back before: {points} more is too many",
        )
    spent = -_points(s, PointsEntry.ref_id == sale.id, PointsEntry.kind == "redeem")
    given = _points(s, earlier, PointsEntry.kind == "reverse", PointsEntry.points > 0)
    if given + restored > spent:
        raise Refused(
            "restore_exceeds_redeemed",
            f"sale {sale.number} was paid with {spent} points and {given} were "
            f"given back before: {restored} more is too many",
        )


def check_redeemed(
    s: Session,
    ctx: CentralContext,
    ev: Event,
    sale: Sale,
    points: int,
    mode: str,
    hold_id: str | None,
    allowance_id: str | None,
) -> None:
    """The sale's points tenders cover the points; online under its own hold, offline within its allowance."""
    value = rule_of(s, ctx, sale).point_value
    before = -_points(s, PointsEntry.ref_id == sale.id, PointsEntry.kind == "redeem")
    paid = points_paid(s, sale.id)
    if (before + points) * value > paid:
        raise Refused(
            "redeem_exceeds_tender",
            f"sale {sale.number} took {paid} in points ({value} a point); "
            f"{before} points redeemed before and {points} more is beyond it",
        )
    member_id = sale.member_id
    if not (hold_id if mode == "online" else allowance_id):
        raise Refused(
            "no_hold" if mode == "online" else "no_allowance",
            f"an {mode} redemption of {points} points names no "
            + ("hold" if mode == "online" else "offline allowance"),
        )
    if mode == "online":
        h = s.get(PointsHold, hold_id)
        # A hold central does not have (lost in a restore) is booked with an alert by the handler; the sale's
        # points payments above still bound it.
        if h is not None and (h.store_id != ev.store_id or h.member_id != member_id or h.points != points):
            raise Refused(
                "hold_mismatch",
                f"hold {hold_id} is not a hold of store {ev.store_id} for {points} points of member {member_id}",
            )
    else:
        a = s.get(OfflineAllowance, allowance_id)
        if a is not None and (a.store_id != ev.store_id or a.member_id != member_id):
            raise Refused(
                "other_allowance", f"allowance {allowance_id} is not store {ev.store_id}'s for member {member_id}"
            )
        if a is not None and a.used + points > a.points:
            raise Refused(
                "allowance_exceeded",
                f"store {ev.store_id} may redeem {a.points} points of this member "
                f"offline; {a.used} are used and {points} more is beyond it",
            )
