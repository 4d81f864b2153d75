"""Applying the loyalty events stores push: points earned, reversed on refunds, redeemed (online or offline).

Each entry carries the UUID the store gave it, so an event delivered again adds nothing: the push layer answers
a repeat with its first result, and a fact id seen in another event is refused by the ledger's primary key.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field
from sqlalchemy.orm import Session

from central.tables import Alert, Member
from central.tables.base import new_id
from pos.domain.errors import DomainError
from pos.domain.timestamps import parse_time

from . import loyalty, loyalty_holds
from .context import CentralContext
from .feed import FeedChange
from .loyalty_checks import check_earned, check_redeemed, check_reversed, member_sale
from .payloads import Id, Rejection, _In, parse

if TYPE_CHECKING:
    from .handlers import Event

Points = Annotated[int, Field(strict=True, ge=0, le=loyalty_holds.MAX_POINTS)]


class EarnedIn(_In):
    entry_id: Id
    member_id: Id
    sale_id: Id
    points: Points
    basis: int = 0


class ReversedIn(_In):
    member_id: Id
    sale_id: Id
    refund_id: Id
    entry_id: Id | None = None  # the earn reversal (points taken back)
    points: Points = 0
    restore_entry_id: Id | None = None  # redeemed points given back
    restored: Points = 0


class RedeemedIn(_In):
    entry_id: Id
    member_id: Id
    sale_id: Id
    points: Annotated[int, Field(strict=True, ge=1, le=loyalty_holds.MAX_POINTS)]
    mode: Literal["online", "offline"]
    hold_id: Id | None = None
    allowance_id: Id | None = None
    at: str | None = None


class ReleasedIn(_In):
    hold_id: Id


def _member(s: Session, member_id: str) -> Member:
    m = s.get(Member, member_id)
    if m is None:
        raise Rejection("unknown_member", f"member {member_id} is not known to the central store")
    return m


def earned(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(EarnedIn, ev.payload)
    _member(s, p.member_id)
    check_earned(s, ctx, ev, member_sale(s, ev, p.sale_id, p.member_id), p.points)
    if p.points:
        loyalty.add_entry(s, ctx, p.member_id, "earn", p.points, entry_id=p.entry_id, store_id=ev.store_id,
                          ref_id=p.sale_id, event_id=ev.event_id, note="sale")
    return loyalty.changes_for(s, ctx, {p.member_id})


def reversed_(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(ReversedIn, ev.payload)
    _member(s, p.member_id)
    check_reversed(s, ev, member_sale(s, ev, p.sale_id, p.member_id), p.refund_id, p.points, p.restored)
    if p.points:
        loyalty.add_entry(s, ctx, p.member_id, "reverse", -p.points, entry_id=p.entry_id, store_id=ev.store_id,
                          ref_id=p.refund_id, event_id=ev.event_id, note="refund: points earned taken back")
    if p.restored:
        loyalty.add_entry(s, ctx, p.member_id, "reverse", p.restored, entry_id=p.restore_entry_id,
                          store_id=ev.store_id, ref_id=p.refund_id, event_id=ev.event_id,
                          note="refund: points paid with given back")
    return loyalty.changes_for(s, ctx, {p.member_id})


def redeemed(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(RedeemedIn, ev.payload)
    _member(s, p.member_id)
    check_redeemed(s, ctx, ev, member_sale(s, ev, p.sale_id, p.member_id), p.points, p.mode, p.hold_id,
                   p.allowance_id)
    if p.mode == "online":
        try:
            loyalty_holds.post_in(s, ctx, ev.store_id, p.hold_id, p.sale_id, entry_id=p.entry_id,
                                  event_id=ev.event_id)
            return loyalty.changes_for(s, ctx, {p.member_id})
        except DomainError as e:
            # The sale is done and the shopper has the goods: book the points anyway, and tell an operator.
            s.add(Alert(id=new_id(), store_id=ev.store_id, kind="hold_not_held", event_id=ev.event_id,
                        message=f"sale {p.sale_id} used hold {p.hold_id} ({p.points} points): {e.message}; "
                                "booked as a redemption anyway"))
            loyalty.add_entry(s, ctx, p.member_id, "redeem", -p.points, entry_id=p.entry_id, store_id=ev.store_id,
                              ref_id=p.sale_id, event_id=ev.event_id, note=f"hold {p.hold_id} not held")
            return loyalty.changes_for(s, ctx, {p.member_id})
    a = loyalty_holds.redeem_offline_in(s, ctx, ev.store_id, p.member_id, p.points, p.allowance_id, p.entry_id,
                                        p.sale_id, ev.event_id, parse_time(p.at))
    if p.hold_id:  # an online hold the store could not capture at the sale: not needed any more
        try:
            loyalty_holds.release_in(s, ctx, ev.store_id, p.hold_id)
        except DomainError:
            pass  # lapsed or unknown already
    return loyalty.changes_for(s, ctx, {p.member_id}) + ([loyalty.allowance_change(a)] if a is not None else [])


def released(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(ReleasedIn, ev.payload)
    try:
        loyalty_holds.release_in(s, ctx, ev.store_id, p.hold_id)
    except DomainError:
        pass  # already posted, expired or unknown: nothing is held any more either way
    return []


HANDLERS = {
    ("loyalty.earned", 1): earned,
    ("loyalty.reversed", 1): reversed_,
    ("loyalty.redeemed", 1): redeemed,
    ("loyalty.released", 1): released,
}
