"""Members at the kiosk: a shopper scans their member QR to see their points (masked name, balance, last
entries), or signs up (made at central like a till sign-up).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from common import scan_codes
from common.contract.names import ONLINE_LOCATION
from common.errors import Conflict, DomainError
from common.loyalty import normalize_phone
from pos.adapters.tables import KnownStore, LoyaltyEntry

from .context import StoreContext
from .kiosk_scans import what_is
from .loyalty import central_sign_up, member_json, member_row, resolve, save_member


def kiosk_sign_up(ctx: StoreContext, name: str, phone: str) -> dict[str, Any]:
    """A shopper signs up at the kiosk: checked here first (clear messages without a round trip), then made at
    central like a till sign-up; the answer has the kiosk lookup's shape (masked name, balance 0)."""
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 80:
        raise DomainError("bad_name", "type your name (1 to 80 characters)")
    if not phone.strip():
        raise DomainError("bad_phone", "type your mobile phone number")
    normalize_phone(phone)  # a DomainError "bad_phone" naming what is wrong
    try:
        data = central_sign_up(ctx, name, phone)
    except Conflict as e:
        if e.code != "phone_taken":
            raise
        raise Conflict(
            "phone_taken", "this phone number is already a member: scan your member QR to see your points"
        ) from e
    with ctx.db.unit_of_work() as s:
        m = save_member(s, data, ctx.clock())
        out = member_json(s, ctx, m, True)
    return {**_card_face(out, True, []), "signed_up": True}


def _card_face(out: dict[str, Any], online: bool, recent: list[dict[str, Any]]) -> dict[str, Any]:
    """What the kiosk shows a member (from member_json's `out`): masked name and number, balance, last entries."""
    return {
        "name": out["masked_name"],
        "number": out["number"][:2] + "******" + out["number"][-4:],
        "balance": out["balance"],
        "blocked": out["blocked"],
        "online": online,
        "as_of": out["as_of"],
        "recent": recent,
    }


def kiosk_points(ctx: StoreContext, card: str) -> dict[str, Any]:
    """For the kiosk: a scanned member QR -> masked name, balance and the last 10 entries, in one step. Anything
    else scanned on the points step is refused as `not_a_card` with what it is instead (`scanned`), so the kiosk
    can say "this is a product / your online cart" and offer that step; a forged, damaged, expired or other shop's
    member QR keeps its own refusal."""
    if not scan_codes.is_member_qr_prefixed(card):
        raise DomainError(
            "not_a_card",
            "this is not a member QR: scan the member QR from the account page",
            scanned=what_is(ctx, card),
        )
    member_id, online, recent = resolve(ctx, card=card)
    with ctx.db.sessions() as s:
        m = member_row(s, member_id)
        out = member_json(s, ctx, m, online)
        if recent is None:  # offline: this store's own entries are what it knows
            rows = s.scalars(
                select(LoyaltyEntry)
                .where(LoyaltyEntry.member_id == m.id)
                .order_by(LoyaltyEntry.created_at.desc())
                .limit(10)
            )
            recent = [
                {"kind": e.kind, "points": e.points, "store_id": ctx.store_id, "at": e.created_at.isoformat()}
                for e in rows
            ]
        names = {k.id: k.name for k in s.scalars(select(KnownStore)) if k.name}
    names[ctx.store_id] = ctx.config.store.name or ctx.store_id
    last = [
        {"kind": e["kind"], "points": e["points"], **_where(e.get("store_id"), names), "at": e["at"]}
        for e in recent[:10]
    ]
    return _card_face(out, online, last)


def _where(store_id: str | None, names: dict[str, str]) -> dict[str, str | None]:
    """Where an entry happened, as the kiosk says it: a store by its name; the online shop and head office (an
    adjustment, an expiry) by a word in the kiosk's language (`where`)."""
    if store_id is None:
        return {"store": None, "where": "head_office"}
    if store_id == ONLINE_LOCATION:
        return {"store": None, "where": "online"}
    return {"store": names.get(store_id, store_id), "where": None}
