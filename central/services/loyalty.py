"""Loyalty at central: members and sign-up, the ledger (balance = sum) and what stores pull (the member QR
they carry is signed in member_cards)."""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from central.tables import Change, Member, PointsEntry
from central.tables.base import new_id
from common.db import rowcount
from common.errors import Conflict, DomainError, Forbidden, NotFound
from common.loyalty import normalize_phone

from . import feed, loyalty_rules, member_scope
from .context import CentralContext
from .feed import FeedChange
from .member_cards import card_for, public_key, read_card

KINDS = ("earn", "redeem", "reverse", "expire", "adjust")


# -- members -------------------------------------------------------------------------------------------------
def member_data(ctx: CentralContext, m: Member) -> dict[str, Any]:
    """What stores keep of a member (no e-mail): enough to find them by phone or QR and show the balance."""
    return {
        "id": m.id,
        "number": m.number,
        "name": m.name,
        "phone": m.phone,
        "blocked": m.blocked,
        "balance": m.balance,
        "held": m.held,
        "version": m.version,
        "card": card_for(ctx, m.id),
    }


def settings_data(ctx: CentralContext, s: Session | None = None) -> dict[str, Any]:
    """The shop, its card key and central's earn rule: the one in force now and any scheduled after it."""
    if s is None:
        with ctx.db.sessions() as own:
            return settings_data(ctx, own)
    rules = loyalty_rules.in_force_and_next(s, ctx)
    return {
        "shop_id": ctx.config.loyalty.shop_id,
        "public_key": public_key(ctx),
        "earn_per_amount": rules[0].earn_per_amount,
        "point_value": rules[0].point_value,
        "rules": [r.data() for r in rules],
    }


def changes_for(s: Session, ctx: CentralContext, member_ids: set[str]) -> list[FeedChange]:
    """Feed changes for these members (one per store they are linked to), and the loyalty settings when the feed does not have them as they are."""
    linked = member_scope.stores_of(s, member_ids)
    out = [
        FeedChange("member", member_scope.feed_key(store_id, m.id), data, only_store=store_id)
        for m in s.scalars(select(Member).where(Member.id.in_(member_ids)))
        for data in (member_data(ctx, m),)
        for store_id in linked.get(m.id, [])
    ]
    wanted = settings_data(ctx, s)
    have = s.get(Change, ("loyalty_settings", "current"))
    if have is None or json.loads(have.data) != wanted:
        out.append(FeedChange("loyalty_settings", "current", wanted))
    return out


def publish(s: Session, ctx: CentralContext, member_ids: set[str], extra: list[FeedChange] | None = None) -> None:
    """Append the members' new state to the feed: call last in the transaction."""
    feed.append(s, ctx, changes_for(s, ctx, member_ids) + list(extra or []))


def _new_number(s: Session) -> str:
    while True:
        number = "70" + "".join(secrets.choice("0123456789") for _ in range(10))
        if s.scalar(select(Member.id).where(Member.number == number)) is None:
            return number


def sign_up(
    ctx: CentralContext, name: str, phone: str, email: str | None = None, where: str = "online"
) -> dict[str, Any]:
    """A new member (balance 0); a phone number already signed up is a 409 naming the member number."""
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 80:
        raise DomainError("bad_name", "a member's name is 1 to 80 characters")
    phone = normalize_phone(phone)
    email = (email or "").strip() or None
    if email and (len(email) > 120 or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        raise DomainError("bad_email", "that e-mail address does not look right")
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(Member.number).where(Member.phone == phone)) is not None:
            raise Conflict("phone_taken", "this phone number is already a member: find the member by phone")
        m = Member(
            id=new_id(),
            number=_new_number(s),
            name=name,
            phone=phone,
            email=email,
            blocked=False,
            balance=0,
            held=0,
            version=1,
            signed_up_at=where[:32],
            created_at=ctx.clock(),
        )
        s.add(m)
        s.flush()
        granted = member_scope.link_if_store(s, ctx, m.id, where)  # and the store's default offline allowance
        view = member_view(s, ctx, m)
        publish(s, ctx, {m.id}, granted)
    return view


def find_member(
    s: Session,
    ctx: CentralContext,
    *,
    member_id: str | None = None,
    phone: str | None = None,
    number: str | None = None,
    card: str | None = None,
) -> Member:
    if card:
        member_id = read_card(ctx, card).member_id
    if phone:
        phone = normalize_phone(phone)
    conds = [
        c
        for c in (
            Member.id == member_id if member_id else None,
            Member.phone == phone if phone else None,
            Member.number == number if number else None,
        )
        if c is not None
    ]
    if not conds:
        raise DomainError("no_member_key", "give a member QR, phone number or member number")
    m = s.scalar(select(Member).where(or_(*conds)))
    if m is None:
        raise NotFound("unknown_member", "no member with that phone number, member number or QR")
    return m


def history(s: Session, member_id: str, limit: int = 10) -> list[dict[str, Any]]:
    rows = s.scalars(
        select(PointsEntry)
        .where(PointsEntry.member_id == member_id)
        .order_by(PointsEntry.created_at.desc(), PointsEntry.id)
        .limit(limit)
    )
    return [
        {
            "id": e.id,
            "kind": e.kind,
            "points": e.points,
            "store_id": e.store_id,
            "ref_id": e.ref_id,
            "note": e.note,
            "at": e.created_at.isoformat(),
        }
        for e in rows
    ]


def member_view(s: Session, ctx: CentralContext, m: Member, entries: int = 10) -> dict[str, Any]:
    return {
        **member_data(ctx, m),
        "email": m.email,
        "available": m.balance - m.held,
        "debt": max(0, -m.balance),
        "recent": history(s, m.id, entries),
    }


def lookup(ctx: CentralContext, **keys: str | None) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        return member_view(s, ctx, find_member(s, ctx, **keys))


def add_entry(
    s: Session,
    ctx: CentralContext,
    member_id: str,
    kind: str,
    points: int,
    *,
    entry_id: str | None = None,
    store_id: str | None = None,
    ref_id: str | None = None,
    event_id: str | None = None,
    note: str = "",
) -> None:
    """One ledger entry and the member's balance with it, in the caller's transaction."""
    assert kind in KINDS
    s.add(
        PointsEntry(
            id=entry_id or new_id(),
            member_id=member_id,
            kind=kind,
            points=points,
            store_id=store_id,
            ref_id=ref_id,
            event_id=event_id,
            note=note[:200],
            created_at=ctx.clock(),
        )
    )
    s.flush()  # the entry first: a repeated entry id fails here, before the balance moves
    s.execute(
        update(Member).where(Member.id == member_id).values(balance=Member.balance + points, version=Member.version + 1)
    )


def adjust(ctx: CentralContext, member_id: str, points: int, note: str) -> dict[str, Any]:
    """A correction by head office (goodwill, a fix): an `adjust` entry."""
    if not points:
        raise DomainError("bad_points", "an adjustment is a whole number of points other than 0")
    with ctx.db.unit_of_work() as s:
        m = find_member(s, ctx, member_id=member_id)
        add_entry(s, ctx, m.id, "adjust", points, note=note or "adjustment")
        s.refresh(m)
        view = member_view(s, ctx, m)
        publish(s, ctx, {m.id})
    return view


def set_blocked(ctx: CentralContext, member_id: str, blocked: bool) -> None:
    with ctx.db.unit_of_work() as s:
        if not rowcount(
            s.execute(update(Member).where(Member.id == member_id).values(blocked=blocked, version=Member.version + 1))
        ):
            raise NotFound("unknown_member", "no such member")
        publish(s, ctx, {member_id})


def ledger_sum(ctx: CentralContext, member_id: str) -> int:
    with ctx.db.sessions() as s:
        return int(
            s.scalar(select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.member_id == member_id))
            or 0
        )


def debts(ctx: CentralContext) -> list[dict[str, Any]]:
    """Members below zero (points spent offline that they did not have): what the offline allowances cost."""
    with ctx.db.sessions() as s:
        rows = s.scalars(select(Member).where(Member.balance < 0).order_by(Member.balance))
        return [
            {"id": m.id, "number": m.number, "name": m.name, "phone": m.phone, "balance": m.balance, "debt": -m.balance}
            for m in rows
        ]


def check_store_member(m: Member) -> None:
    if m.blocked:
        raise Forbidden("member_blocked", f"member {m.number} is blocked: points cannot be used")


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
