"""Points as a tender: a hold at central first (2 s at most), or, when central cannot be reached, the member's
offline allowance for this store and nothing more. The hold is posted with the sale (outbox) or released."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.errors import Conflict, DomainError, Forbidden
from common.tables import new_id
from pos.adapters.central_loyalty import Refused, Unreachable, client_for
from pos.adapters.tables import LoyaltyAllowance, LoyaltyMember, LoyaltyRedemption, Sale, SaleMember, TenderRow
from pos.domain.tenders import Tender, check_new_tender

from .auth import Actor
from .context import StoreContext
from .loyalty import CentralUnavailable, balance_of, member_json
from .loyalty_settings import settings
from .sale_views import lines_of, load_sale, price, sale_json, tenders_of


def _open_sale(s: Session, actor: Actor, sale_id: str) -> Sale:
    sale = load_sale(s, sale_id)
    if sale.state != "open":
        raise Conflict(f"sale_{sale.state}", f"sale is {sale.state}; points pay an open sale only")
    if sale.till_id != actor.till_id:
        raise Conflict("other_till", f"this sale is open on till {sale.till_id}")
    return sale


def _left_to_pay(s: Session, sale: Sale) -> int:
    lines, tenders = lines_of(s, sale.id), tenders_of(s, sale.id)
    if not lines:
        raise DomainError("empty_sale", "scan an item before taking payment")
    return max(0, price(sale, lines).total - sum(t.amount for t in tenders))


def allowance_left(s: Session, ctx: StoreContext, member_id: str) -> tuple[LoyaltyAllowance | None, int]:
    """The member's offline allowance here and what is left of it.

    Only this store spends its allowance, so its own offline redemptions under this grant (held on an open
    sale, or used) are the whole truth; central's `used` can only lag behind them (a redemption central has
    acknowledged but whose allowance has not been pulled again yet) and counts only if it is ever larger.
    A new grant comes with a new id, so what was spent under the old one does not count against it.
    """
    a = s.scalar(select(LoyaltyAllowance).where(LoyaltyAllowance.member_id == member_id))
    if a is None or a.expires_at <= ctx.clock():
        return a, 0
    mine = select(func.coalesce(func.sum(LoyaltyRedemption.points), 0)).where(
        LoyaltyRedemption.allowance_id == a.id, LoyaltyRedemption.mode == "offline"
    )
    held = (
        s.scalar(
            mine.join(Sale, Sale.id == LoyaltyRedemption.sale_id)
            .join(  # still a payment on the sale
                TenderRow,
                (TenderRow.sale_id == LoyaltyRedemption.sale_id) & (TenderRow.id == LoyaltyRedemption.tender_id),
            )
            .where(LoyaltyRedemption.state == "held", Sale.state == "open")
        )
        or 0
    )
    used = s.scalar(mine.where(LoyaltyRedemption.state == "used")) or 0
    return a, max(0, a.points - max(a.used, int(used)) - int(held))


def redeem(
    ctx: StoreContext, actor: Actor, sale_id: str, points: int | None = None, code: str | None = None
) -> dict[str, Any]:
    """Pay part (or all) of the open sale with the attached member's points: the member showed their QR, or
    `code` is the one-time code from their own account page (checked, and used up, by central)."""
    with ctx.db.sessions() as s:
        sale = _open_sale(s, actor, sale_id)
        link = s.get(SaleMember, sale.id)
        if link is None:
            raise DomainError("no_member", "attach a member first (F3: scan the member QR or type the phone)")
        if link.via != "qr" and not code:
            # Anyone can know a member's phone number; only the member holds the signed QR on their phone.
            raise Forbidden(
                "member_qr_required",
                "points can be used only after the member's QR is scanned (F3) or with the one-time code from "
                "their account page; a phone number finds the member but cannot spend points",
            )
        member_id, value_each = link.member_id, settings(s, ctx).point_value
        m = s.get(LoyaltyMember, member_id)
        # What central asks as proof: the member's signed card once its QR was scanned here, else their code.
        card = (m.card or None) if m is not None and link.via == "qr" else None
        code = None if card else code
        if m is not None and m.blocked:
            raise Forbidden("member_blocked", f"member {m.number} is blocked: points cannot be used")
        most = _left_to_pay(s, sale) // value_each
        if points is None:
            points = min(most, max(0, balance_of(s, m) - m.held) if m else 0)
        if points <= 0:
            raise DomainError(
                "nothing_to_redeem",
                "no points can pay this sale (no balance, or less than one point's worth left to pay)",
            )
        if points > most:
            raise DomainError(
                "points_exceed_due", f"at most {most} points can pay what is left of this sale", most=most
            )
    hold_id, mode = new_id(), "online"
    client = client_for(ctx.config)
    try:
        if client is None:
            raise Unreachable("not connected")
        client.hold(hold_id, member_id, points, sale_id, card=card, code=code)
    except Refused as e:
        kind = Conflict if e.status == 409 else Forbidden if e.status == 403 else DomainError
        raise kind(e.code, e.message, **e.detail) from e
    except Unreachable:
        if card is None:
            raise CentralUnavailable(
                "code_needs_central",
                "the central store cannot be reached to check the member's one-time code: scan their member QR "
                "(F3) or take another payment",
            ) from None
        mode = "offline"
    held = hold_id if mode == "online" else None  # an offline redemption holds nothing at central
    try:
        return _take(ctx, actor, sale_id, member_id, points, points * value_each, mode, held)
    except Exception:
        if held and client is not None:
            try:  # the sale changed meanwhile: give the hold back now rather than when it expires
                client.release(held)
            except (Unreachable, Refused):
                pass
        raise


def _take(
    ctx: StoreContext,
    actor: Actor,
    sale_id: str,
    member_id: str,
    points: int,
    value: int,
    mode: str,
    hold_id: str | None,
) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        sale = _open_sale(s, actor, sale_id)
        link = s.get(SaleMember, sale.id)
        if link is None or link.member_id != member_id:
            raise Conflict("member_changed", "the member on this sale changed; try again")
        allowance_id = None
        if mode == "offline":
            a, left = allowance_left(s, ctx, member_id)
            if points > left:
                raise CentralUnavailable(
                    "central_unreachable",
                    "the central store cannot be reached, so points cannot be used now"
                    + (f" (offline, at most {left} points)" if left else "")
                    + ": take another payment",
                    allowance=left,
                )
            allowance_id = a.id if a else None
        lines, tenders = lines_of(s, sale.id), tenders_of(s, sale.id)
        check_new_tender(
            price(sale, lines).total, [Tender(t.type, t.amount, t.reference) for t in tenders], Tender("points", value)
        )
        tender = TenderRow(
            id=new_id(), sale_id=sale.id, type="points", amount=value, reference=None, created_at=ctx.clock()
        )
        s.add(tender)
        s.add(
            LoyaltyRedemption(
                id=new_id(),
                sale_id=sale.id,
                tender_id=tender.id,
                member_id=member_id,
                points=points,
                value=value,
                mode=mode,
                hold_id=hold_id,
                allowance_id=allowance_id,
                state="held",
                created_at=ctx.clock(),
            )
        )
        s.flush()
        view = sale_json(ctx, sale, lines, tenders_of(s, sale.id))
        m = s.get(LoyaltyMember, member_id)
        member = member_json(s, ctx, m, mode == "online") if m else None
    ctx.notify("sale", view)
    return {"sale": view, "member": member, "redeemed": {"points": points, "value": value, "mode": mode}}
