"""Members at the till and the kiosk: find a member by QR (verified offline) or phone, attach them to a sale,
show the balance. Central is asked first (2 s at most) for the freshest balance; the synced copy is the fallback.
What the kiosk shows a shopper is in kiosk_members; central's settings as pulled, in loyalty_settings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common import member_qr
from common.errors import Conflict, DomainError, NotFound
from common.loyalty import mask_name, mask_phone, normalize_phone, points_earned
from pos.adapters.central_loyalty import Refused, Unreachable, client_for
from pos.adapters.tables import LoyaltyEntry, LoyaltyMember, OutboxEvent, SaleMember

from .auth import Actor
from .context import StoreContext
from .loyalty_settings import save_settings, settings
from .sale_views import lines_of, load_sale, sale_json, tenders_of


class CentralUnavailable(DomainError):
    """Central could not be asked and nothing local can stand in (424: the request depended on it)."""

    status = 424


def save_member(s: Session, data: dict[str, Any], now: datetime) -> LoyaltyMember:
    """Keep central's member state; an older version (a late page, a slow lookup) never overwrites a newer one."""
    row = s.get(LoyaltyMember, data["id"])
    if row is None:
        row = LoyaltyMember(id=data["id"], version=-1)
        s.add(row)
    if int(data.get("version", 0)) >= row.version:
        row.number, row.name, row.phone = data["number"], data["name"], data["phone"]
        row.blocked, row.balance, row.held = bool(data.get("blocked")), int(data["balance"]), int(data.get("held", 0))
        row.version, row.card, row.updated_at = int(data.get("version", 0)), data.get("card") or row.card or "", now
    s.flush()
    return row


def pending_points(s: Session, member_id: str) -> int:
    """Points this store booked that central has not acknowledged yet (so its balance copy lacks them)."""
    return int(
        s.scalar(
            select(func.coalesce(func.sum(LoyaltyEntry.points), 0))
            .join(OutboxEvent, OutboxEvent.event_id == LoyaltyEntry.event_id)
            .where(LoyaltyEntry.member_id == member_id, OutboxEvent.acked_at.is_(None))
        )
        or 0
    )


def balance_of(s: Session, m: LoyaltyMember) -> int:
    return m.balance + pending_points(s, m.id)


def member_json(s: Session, ctx: StoreContext, m: LoyaltyMember, online: bool) -> dict[str, Any]:
    st = settings(s, ctx)
    balance = balance_of(s, m)
    return {
        "id": m.id,
        "number": m.number,
        "name": m.name,
        "masked_name": mask_name(m.name),
        "phone": mask_phone(m.phone),
        "blocked": m.blocked,
        "balance": balance,
        "spendable": max(0, balance - m.held),
        "point_value": st.point_value,
        "earn_per_amount": st.earn_per_amount,
        "online": online,
        "as_of": m.updated_at.isoformat(),
    }


# -- finding a member --------------------------------------------------------------------------------------
def read_card(ctx: StoreContext, card: str) -> member_qr.MemberCard:
    """Verify a member QR with the public key only (works offline); fetch the key from central if missing."""
    with ctx.db.sessions() as s:
        st = settings(s, ctx)
    if not st.public_key:
        client = client_for(ctx.config)
        if client is not None:
            try:
                fetched = client.settings()
                with ctx.db.unit_of_work() as s:
                    save_settings(s, fetched)
                    st = settings(s, ctx)
            except (Unreachable, Refused):
                pass
    try:
        key = member_qr.load_public_key(st.public_key) if st.public_key else None
        return member_qr.verify(key, card, st.shop_id, ctx.clock())
    except member_qr.CardRefused as e:
        raise DomainError(e.code, e.message) from e
    except ValueError as e:
        raise DomainError("bad_card_key", f"the member card key in this store's config is wrong: {e}") from e


def resolve(
    ctx: StoreContext,
    card: str | None = None,
    phone: str | None = None,
) -> tuple[str, bool, list[dict[str, Any]] | None]:
    """(member id, asked central?, central's last entries); the member's copy is saved locally."""
    if not card and not phone:
        raise DomainError("no_member_key", "scan the member QR or type the member's phone number")
    member_id = read_card(ctx, card).member_id if card else None
    phone = normalize_phone(phone) if phone and not card else None
    client = client_for(ctx.config)
    if client is not None:
        try:
            data = client.lookup(card=card, phone=phone)
            with ctx.db.unit_of_work() as s:
                save_member(s, data, ctx.clock())
            return data["id"], True, list(data.get("recent") or [])
        except Refused as e:
            if e.status == 404:
                raise NotFound("unknown_member", "no member with that phone number or QR: sign the shopper up") from e
            raise DomainError(e.code, e.message) from e
        except Unreachable:
            pass  # the copy pulled from central stands in
    with ctx.db.sessions() as s:
        found = (
            s.get(LoyaltyMember, member_id)
            if member_id
            else s.scalar(
                select(LoyaltyMember).where(LoyaltyMember.phone == phone).order_by(LoyaltyMember.version.desc())
            )
        )
    if found is None:
        why = "" if client is None else " (the central store cannot be reached to look further)"
        raise NotFound("unknown_member", f"no member with that phone number or QR at this store{why}")
    return found.id, False, None


def member_row(s: Session, member_id: str) -> LoyaltyMember:
    m = s.get(LoyaltyMember, member_id)
    if m is None:
        raise NotFound("unknown_member", "member not found at this store")
    return m


def points_paid(view: dict[str, Any]) -> int:
    return sum(t["amount"] for t in view.get("tenders", ()) if t["type"] == "points")


def expected_points(s: Session, ctx: StoreContext, view: dict[str, Any]) -> int:
    """What the sale earns if it is paid as it stands (points tenders do not earn)."""
    return points_earned(view["total"] - points_paid(view), settings(s, ctx).earn_per_amount)


# -- the member on a sale ----------------------------------------------------------------------------------
def attach(
    ctx: StoreContext, actor: Actor, sale_id: str, card: str | None = None, phone: str | None = None
) -> dict[str, Any]:
    """Attach the member to this till's open sale (again = the new member replaces the old one)."""
    member_id, online, _ = resolve(ctx, card, phone)
    with ctx.db.unit_of_work() as s:
        sale = load_sale(s, sale_id)
        if sale.state != "open":
            raise Conflict(f"sale_{sale.state}", f"sale is {sale.state}: a member can be added to an open sale only")
        if sale.till_id != actor.till_id:
            raise Conflict("other_till", f"this sale is open on till {sale.till_id}")
        m = member_row(s, member_id)
        link = s.get(SaleMember, sale.id)
        if link is not None and link.member_id != m.id and _has_points_tender(s, sale.id):
            raise Conflict("points_taken", "points of another member pay this sale: remove that payment first")
        s.merge(SaleMember(sale_id=sale.id, member_id=m.id, via="qr" if card else "phone", attached_at=ctx.clock()))
        view = sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id))
        member = {
            **member_json(s, ctx, m, online),
            "expected_points": expected_points(s, ctx, view),
            "can_redeem": bool(card),
        }  # a typed phone number finds a member but spends no points
    tell_display(ctx, sale.till_id, sale.id, member)
    return {"sale": view, "member": member}


def tell_display(ctx: StoreContext, till_id: str, sale_id: str, member: dict[str, Any] | None) -> None:
    """The till's customer display shows the member on the sale; the till's room passes on only the masked name and
    points (pos.web.sockets.for_room: the next shopper in the queue reads that screen too)."""
    ctx.notify("sale_member", {"till_id": till_id, "sale_id": sale_id, "member": member})


def _has_points_tender(s: Session, sale_id: str) -> bool:
    return any(t.type == "points" for t in tenders_of(s, sale_id))


def detach(ctx: StoreContext, actor: Actor, sale_id: str) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        sale = load_sale(s, sale_id)
        if sale.state != "open" or sale.till_id != actor.till_id:
            raise Conflict("sale_not_open", "the member can be taken off this till's open sale only")
        if _has_points_tender(s, sale.id):
            raise Conflict("points_taken", "the member's points pay this sale: remove that payment first")
        link = s.get(SaleMember, sale.id)
        if link is not None:
            s.delete(link)
    tell_display(ctx, sale.till_id, sale.id, None)
    return {"sale_id": sale_id, "member": None}


def sale_member(ctx: StoreContext, sale_id: str) -> dict[str, Any]:
    """The member on a sale (None if none) with the points it earns or earned."""
    with ctx.db.sessions() as s:
        sale = load_sale(s, sale_id)
        link = s.get(SaleMember, sale.id)
        if link is None:
            return {"sale_id": sale.id, "member": None}
        m = member_row(s, link.member_id)
        view = sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id))
        return {
            "sale_id": sale.id,
            "member": {**member_json(s, ctx, m, False), "expected_points": expected_points(s, ctx, view)},
        }


def sign_up(ctx: StoreContext, actor: Actor, name: str, phone: str) -> dict[str, Any]:
    """Sign a shopper up at the till; central makes the member (it needs to be reachable)."""
    data = central_sign_up(ctx, name, phone)
    with ctx.db.unit_of_work() as s:
        m = save_member(s, data, ctx.clock())
        return member_json(s, ctx, m, True)


def central_sign_up(ctx: StoreContext, name: str, phone: str) -> dict[str, Any]:
    """The one way a store signs a member up (till and kiosk): central makes the member, or says why not."""
    client = client_for(ctx.config)
    if client is None:
        raise CentralUnavailable(
            "not_connected",
            "this store is not connected to a central store: members sign up online or at a connected store",
        )
    try:
        return client.sign_up(name, phone)
    except Unreachable as e:
        raise CentralUnavailable(
            "central_unreachable", "the central store cannot be reached: sign up later or online"
        ) from e
    except Refused as e:
        if e.status == 409:
            raise Conflict(e.code, e.message) from e
        raise DomainError(e.code, e.message) from e
