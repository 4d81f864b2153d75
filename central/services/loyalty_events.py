"""Applying the loyalty events stores push: points earned, reversed on refunds, redeemed (online or offline).

Each entry carries the UUID the store gave it, so an event delivered again adds nothing: the push layer answers
a repeat with its first result, and a fact id seen in another event is refused by the ledger's primary key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from central.tables import Alert, Member
from central.tables.base import new_id
from common.contract.loyalty_events import HoldReleased, PointsEarned, PointsRedeemed, PointsReversed
from common.contract.names import EventType
from common.errors import DomainError
from common.timestamps import parse_time

from . import loyalty, loyalty_holds, member_scope, offline_allowances
from .context import CentralContext
from .feed import FeedChange
from .loyalty_checks import check_earned, check_redeemed, check_reversed, member_sale
from .payloads import Rejection, parse

if TYPE_CHECKING:
    from .envelope import Event


def _member(s: Session, member_id: str) -> Member:
    m = s.get(Member, member_id)
    if m is None:
        raise Rejection("unknown_member", f"member {member_id} is not known to the central store")
    return m


def _changes(s: Session, ctx: CentralContext, ev: Event, member_id: str) -> list[FeedChange]:
    """The member shopped at this store: link them (after the member row, in lock order) and publish."""
    granted = member_scope.link(s, ctx, member_id, ev.store_id) or []
    return loyalty.changes_for(s, ctx, {member_id}) + granted


def earned(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(PointsEarned, ev.payload)
    _member(s, p.member_id)
    check_earned(s, ctx, ev, member_sale(s, ev, p.sale_id, p.member_id), p.points)
    if p.points:
        loyalty.add_entry(
            s,
            ctx,
            p.member_id,
            "earn",
            p.points,
            entry_id=p.entry_id,
            store_id=ev.store_id,
            ref_id=p.sale_id,
            event_id=ev.event_id,
            note="sale",
        )
    return _changes(s, ctx, ev, p.member_id)


def reversed_(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(PointsReversed, ev.payload)
    _member(s, p.member_id)
    check_reversed(s, ev, member_sale(s, ev, p.sale_id, p.member_id), p.refund_id, p.points, p.restored)
    if p.points:
        loyalty.add_entry(
            s,
            ctx,
            p.member_id,
            "reverse",
            -p.points,
            entry_id=p.entry_id,
            store_id=ev.store_id,
            ref_id=p.refund_id,
            event_id=ev.event_id,
            note="refund: points earned taken back",
        )
    if p.restored:
        loyalty.add_entry(
            s,
            ctx,
            p.member_id,
            "reverse",
            p.restored,
            entry_id=p.restore_entry_id,
            store_id=ev.store_id,
            ref_id=p.refund_id,
            event_id=ev.event_id,
            note="refund: points paid with given back",
        )
    return _changes(s, ctx, ev, p.member_id)


def redeemed(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(PointsRedeemed, ev.payload)
    _member(s, p.member_id)
    check_redeemed(s, ctx, ev, member_sale(s, ev, p.sale_id, p.member_id), p.points, p.mode, p.hold_id, p.allowance_id)
    if p.mode == "online" and p.hold_id is not None:  # check_redeemed refused one online without its hold
        try:
            loyalty_holds.post_in(s, ctx, ev.store_id, p.hold_id, p.sale_id, entry_id=p.entry_id, event_id=ev.event_id)
            return _changes(s, ctx, ev, p.member_id)
        except DomainError as e:
            # The sale is done and the shopper has the goods: book the points anyway, and tell an operator.
            s.add(
                Alert(
                    id=new_id(),
                    store_id=ev.store_id,
                    kind="hold_not_held",
                    event_id=ev.event_id,
                    message=f"sale {p.sale_id} used hold {p.hold_id} ({p.points} points): {e.message}; "
                    "booked as a redemption anyway",
                )
            )
            loyalty.add_entry(
                s,
                ctx,
                p.member_id,
                "redeem",
                -p.points,
                entry_id=p.entry_id,
                store_id=ev.store_id,
                ref_id=p.sale_id,
                event_id=ev.event_id,
                note=f"hold {p.hold_id} not held",
            )
            return _changes(s, ctx, ev, p.member_id)
    a = offline_allowances.redeem_offline_in(
        s, ctx, ev.store_id, p.member_id, p.points, p.allowance_id, p.entry_id, p.sale_id, ev.event_id, parse_time(p.at)
    )
    if p.hold_id:  # an online hold the store could not capture at the sale: not needed any more
        try:
            loyalty_holds.release_in(s, ctx, ev.store_id, p.hold_id)
        except DomainError:
            pass  # lapsed or unknown already
    return _changes(s, ctx, ev, p.member_id) + ([member_scope.allowance_change(a)] if a is not None else [])


def released(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(HoldReleased, ev.payload)
    try:
        loyalty_holds.release_in(s, ctx, ev.store_id, p.hold_id)
    except DomainError:
        pass  # already posted, expired or unknown: nothing is held any more either way
    return []


HANDLERS = {
    (EventType.LOYALTY_EARNED, 1): earned,
    (EventType.LOYALTY_REVERSED, 1): reversed_,
    (EventType.LOYALTY_REDEEMED, 1): redeemed,
    (EventType.LOYALTY_RELEASED, 1): released,
}
