"""Points recorded with the sale or refund itself (a fact hook, inside its transaction) and sent through the outbox.

A member sale earns 1 point per `earn_per_amount` paid after discounts (points paid do not earn) and uses its
points holds; a refund takes back the earned points in proportion and gives back the redeemed points in
proportion, counted cumulatively so refunding a sale in parts equals refunding it at once.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from pos.adapters.tables import (LoyaltyEntry, LoyaltyMember, LoyaltyRedemption, Refund, RefundLine, Sale,
                                 SaleMember)
from common.tables import new_id
from common.loyalty import mask_name, points_earned, share
from common.timestamps import parse_time

from .context import StoreContext
from .loyalty import balance_of, points_paid, settings
from .loyalty_capture import capture
from .records import emit_event


def _entry(s: Session, ctx: StoreContext, member_id: str, kind: str, points: int, event_id: str, entry_id: str,
           sale_id: str, refund_id: str | None = None) -> None:
    s.add(LoyaltyEntry(id=entry_id, member_id=member_id, kind=kind, points=points, sale_id=sale_id,
                       refund_id=refund_id, event_id=event_id, created_at=ctx.clock()))


def _sum(s: Session, sale_id: str, *where: Any) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(LoyaltyEntry.points), 0))
                        .where(LoyaltyEntry.sale_id == sale_id, *where)) or 0)


def on_sale(s: Session, ctx: StoreContext, view: dict[str, Any]) -> None:
    link = s.get(SaleMember, view["id"])
    if link is None:
        return
    device, sale_id, member_id = view["till_id"], view["id"], link.member_id
    in_use = {t["id"] for t in view["tenders"] if t["type"] == "points"}
    redeemed = 0
    for r in s.scalars(select(LoyaltyRedemption).where(LoyaltyRedemption.sale_id == sale_id,
                                                       LoyaltyRedemption.state == "held")):
        if r.tender_id not in in_use:  # the till removed that payment: give the hold back
            _release(s, ctx, r, device)
            continue
        capture(s, ctx, r)  # the hold is captured at central now, or the redemption becomes an offline one
        r.state = "used"
        r.event_id = emit_event(s, ctx, EventType.LOYALTY_REDEEMED, {
            "entry_id": r.id, "member_id": r.member_id, "sale_id": sale_id, "points": r.points, "mode": r.mode,
            "hold_id": r.hold_id, "allowance_id": r.allowance_id, "at": ctx.clock().isoformat()}, device)
        _entry(s, ctx, r.member_id, "redeem", -r.points, r.event_id, r.id, sale_id)
        redeemed += r.points
    basis = view["total"] - points_paid(view)
    # The rule in force at the sale's own time: central checks the points by that same rule.
    earned = points_earned(basis, settings(s, ctx, parse_time(view.get("completed_at"))).earn_per_amount)
    if earned:
        entry_id = new_id()
        event_id = emit_event(s, ctx, EventType.LOYALTY_EARNED, {"entry_id": entry_id, "member_id": member_id,
                                                         "sale_id": sale_id, "points": earned, "basis": basis}, device)
        _entry(s, ctx, member_id, "earn", earned, event_id, entry_id, sale_id)
    s.flush()
    m = s.get(LoyaltyMember, member_id)
    view["loyalty"] = {"member_id": member_id, "number": m.number if m else "", "name": m.name if m else "",
                       "masked_name": mask_name(m.name) if m else "", "earned": earned, "redeemed": redeemed,
                       "balance": balance_of(s, m) if m else None, "card": m.card if m else ""}


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
    return int(s.scalar(select(func.coalesce(func.sum(RefundLine.amount), 0)).join(Refund, Refund.id == RefundLine.refund_id)
                        .where(Refund.sale_id == sale_id)) or 0)


def on_refund(s: Session, ctx: StoreContext, view: dict[str, Any]) -> None:
    sale_id = view["sale_id"]
    link = s.get(SaleMember, sale_id)
    sale = s.get(Sale, sale_id)
    if link is None or sale is None:
        return
    member_id, device = link.member_id, view["till_id"]
    earned = _sum(s, sale_id, LoyaltyEntry.kind == "earn")
    taken = -_sum(s, sale_id, LoyaltyEntry.kind == "reverse", LoyaltyEntry.points < 0)
    reverse = max(0, share(earned, _refunded(s, sale_id), sale.total) - taken)
    restore = int((view.get("points_back") or {}).get("points", 0))
    if reverse or restore:
        entry_id, restore_id = new_id(), new_id()
        event_id = emit_event(s, ctx, EventType.LOYALTY_REVERSED, {
            "member_id": member_id, "sale_id": sale_id, "refund_id": view["id"],
            "entry_id": entry_id if reverse else None, "points": reverse,
            "restore_entry_id": restore_id if restore else None, "restored": restore}, device)
        if reverse:
            _entry(s, ctx, member_id, "reverse", -reverse, event_id, entry_id, sale_id, view["id"])
        if restore:
            _entry(s, ctx, member_id, "reverse", restore, event_id, restore_id, sale_id, view["id"])
        s.flush()
    m = s.get(LoyaltyMember, member_id)
    view["loyalty"] = {"member_id": member_id, "number": m.number if m else "", "reversed": reverse,
                       "restored": restore, "balance": balance_of(s, m) if m else None}


def restored_points(s: Session, refund_id: str) -> int:
    """Redeemed points a refund gave back (its positive reverse entry)."""
    return int(s.scalar(select(func.coalesce(func.sum(LoyaltyEntry.points), 0))
                        .where(LoyaltyEntry.refund_id == refund_id, LoyaltyEntry.points > 0)) or 0)


def _release(s: Session, ctx: StoreContext, r: LoyaltyRedemption, device: str) -> None:
    r.state = "released"
    if r.mode == "online" and r.hold_id:
        emit_event(s, ctx, EventType.LOYALTY_RELEASED, {"hold_id": r.hold_id, "sale_id": r.sale_id}, device)


def on_void(s: Session, ctx: StoreContext, view: dict[str, Any]) -> None:
    """A voided sale gives its points holds back at once (not when they lapse at central)."""
    for r in s.scalars(select(LoyaltyRedemption).where(LoyaltyRedemption.sale_id == view["id"],
                                                       LoyaltyRedemption.state == "held")):
        _release(s, ctx, r, view["till_id"])


def on_fact(s: Session, ctx: StoreContext, kind: str, view: dict[str, Any]) -> None:
    if kind == "sale":
        on_sale(s, ctx, view)
    elif kind == "refund":
        on_refund(s, ctx, view)
    elif kind == "void":
        on_void(s, ctx, view)


def install(ctx: StoreContext) -> None:
    """Make this context's sales and refunds book points (first among the hooks: receipts print them)."""
    if any(getattr(h, "loyalty_hook", False) for h in ctx.fact_hooks):
        return

    def hook(s: Session, kind: str, view: dict[str, Any]) -> None:
        on_fact(s, ctx, kind, view)
    hook.loyalty_hook = True  # type: ignore[attr-defined]
    ctx.fact_hooks.insert(0, hook)


def receipt_info(s: Session, sale_id: str) -> dict[str, Any] | None:
    """A completed member sale's points as stored (for a reprint; the balance then is not kept)."""
    link = s.get(SaleMember, sale_id)
    if link is None:
        return None
    m = s.get(LoyaltyMember, link.member_id)
    return {"member_id": link.member_id, "number": m.number if m else "", "name": m.name if m else "",
            "masked_name": mask_name(m.name) if m else "", "earned": _sum(s, sale_id, LoyaltyEntry.kind == "earn"),
            "redeemed": -_sum(s, sale_id, LoyaltyEntry.kind == "redeem"), "balance": None,
            "card": m.card if m else ""}
