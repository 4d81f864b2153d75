"""A member's proof for spending points at a store (issue 15, point 6): their signed QR, or a one-time code they
make on their own account page (a few minutes, one use). A phone number finds a member but never spends."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import SpendCode
from central.tables.base import new_id
from common.db import rowcount
from common.errors import DomainError, Forbidden

from . import member_cards
from .context import CentralContext

DIGITS = 6
MAX_TRIES = 5  # wrong codes typed for one member while a code lives; then every live code of theirs is dead


def _hash(member_id: str, code: str) -> str:
    return hashlib.sha256(f"{member_id}:{code}".encode()).hexdigest()


def new_code(ctx: CentralContext, member_id: str) -> dict[str, Any]:
    """A fresh 6-digit code for this member (shown once on their page; only its hash is kept)."""
    code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    now = ctx.clock()
    expires = now + timedelta(minutes=ctx.config.loyalty.spend_code_minutes)
    with ctx.db.unit_of_work() as s:
        s.add(
            SpendCode(
                id=new_id(), member_id=member_id, code_hash=_hash(member_id, code), created_at=now, expires_at=expires
            )
        )
    return {"code": code, "expires_at": expires, "minutes": ctx.config.loyalty.spend_code_minutes}


class WrongCode(Forbidden):
    pass


def require_proof(
    s: Session, ctx: CentralContext, member_id: str, hold_id: str, card: str | None, code: str | None
) -> None:
    """In the hold's transaction: the member's card must name this member, or their code is used up now.
    Of two holds with one code at the same moment, one uses it (a conditional UPDATE); the other is refused."""
    if card:
        try:
            shown = member_cards.read_card(ctx, card)
        except DomainError as e:
            raise Forbidden("bad_member_proof", f"the member QR was refused: {e.message}") from e
        if shown.member_id != member_id:
            raise Forbidden("bad_member_proof", "the member QR is another member's")
        return
    if code:
        digits = "".join(ch for ch in code if ch.isdigit())
        now = ctx.clock()
        used = rowcount(
            s.execute(
                update(SpendCode)
                .where(
                    SpendCode.member_id == member_id,
                    SpendCode.code_hash == _hash(member_id, digits),
                    SpendCode.used_at.is_(None),
                    SpendCode.expires_at > now,
                    SpendCode.tries < MAX_TRIES,
                )
                .values(used_at=now, hold_id=hold_id)
            )
        )
        if not used:
            raise WrongCode(
                "bad_spend_code",
                "the member's one-time code is wrong, used or expired: ask them to make a new one on their "
                "account page, or scan their member QR",
            )
        return
    raise Forbidden(
        "member_proof_required",
        "points are spent only with the member's QR or the one-time code from their account page; "
        "a phone number finds the member but cannot spend",
    )


def count_wrong(ctx: CentralContext, member_id: str) -> None:
    """A wrong code for this member: every live code of theirs comes one try closer to dead (guessing is bounded)."""
    with ctx.db.unit_of_work() as s:
        s.execute(
            update(SpendCode)
            .where(SpendCode.member_id == member_id, SpendCode.used_at.is_(None), SpendCode.expires_at > ctx.clock())
            .values(tries=SpendCode.tries + 1)
        )


def live_codes(s: Session, ctx: CentralContext, member_id: str) -> int:
    return len(
        list(
            s.scalars(
                select(SpendCode.id).where(
                    SpendCode.member_id == member_id, SpendCode.used_at.is_(None), SpendCode.expires_at > ctx.clock()
                )
            )
        )
    )
