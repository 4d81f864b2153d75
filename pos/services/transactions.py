"""The till's Transaksi screen: this shift's receipts, finding one (by number, scanned receipt QR, date, amount or
member) and one receipt with what can still be refunded and where the money goes back."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from common.days import parse_day
from common.errors import DomainError, NotFound
from common.loyalty import mask_name
from common.tenders import DIRECT_TENDERS
from pos.adapters.tables import ITEMS_IN_LINES, LoyaltyMember, Refund, Sale, SaleLine, SaleMember, Shift
from pos.domain.refunds import original_tender

from .auth import Actor
from .context import StoreContext
from .receipts import signature_ok, staff_name, till_path
from .sale_views import lines_of, sale_json, tenders_of
from .store_time import period, to_local

MAX_ROWS = 50
Mode = Literal["number", "date", "amount", "member"]
# The digital receipt's link as printed in its QR (receipts.digital_path); a wedge scanner types it whole.
_LINK = re.compile(r"/r/([A-Za-z0-9][A-Za-z0-9-]{0,47})/([A-Za-z0-9_-]{8,64})/?$")


def shown_at(ctx: StoreContext, at: datetime | None) -> str:
    """A stored UTC time as the cashier reads it: 23/11/2026 14:05, store time."""
    return f"{to_local(ctx, at):%d/%m/%Y %H:%M}" if at else ""


def receipt_number_of(ctx: StoreContext, text: str) -> str:
    """A typed receipt number, or the link a scanned receipt QR types; a link this store did not sign is refused."""
    text = text.strip()
    m = _LINK.search(text.split("?", 1)[0])
    if m is None:
        return text.upper()
    number, sig = m.groups()
    if not signature_ok(ctx, number, sig):
        raise NotFound("foreign_receipt", "this receipt QR is not from this store", number=number)
    return number


def _local_day(ctx: StoreContext, text: str) -> date:
    """A typed day (common.days: 23/11, 23/11/2026), a day without a year in the store's year."""
    day = parse_day(text, to_local(ctx, ctx.clock()).date())
    if day is None:
        raise DomainError("bad_date", "type a date as 23/11 or 23/11/2026", value="")
    return day


def _amount(text: str) -> int:
    digits = re.sub(r"^\s*(rp\.?)?\s*", "", text.strip().lower()).replace(".", "").replace(" ", "")
    if not digits.isdigit() or len(digits) > 13:
        raise DomainError("bad_amount", f"type an amount in whole Rupiah, not {text!r}", value=text[:20])
    return int(digits)


def _filtered(ctx: StoreContext, s: Session, actor: Actor, mode: Mode, q: str) -> Select[Any]:
    stmt = select(Sale).where(Sale.state == "completed")
    if not q.strip():  # nothing asked: this till's open shift
        shift = s.scalar(select(Shift.id).where(Shift.till_id == actor.till_id, Shift.state == "open"))
        return stmt.where(Sale.shift_id == (shift or ""))
    if mode == "number" or _LINK.search(q):
        number = receipt_number_of(ctx, q)
        if number.isdigit():  # the sequence alone ("12"): any till's receipt ending in it, this till's first
            mine_first = case((Sale.till_id == actor.till_id, 0), else_=1)
            return stmt.where(Sale.number.like(f"%-{int(number):06d}")).order_by(mine_first)
        return stmt.where(Sale.number == number)
    if mode == "date":
        day = _local_day(ctx, q)
        lo, hi = period(ctx, day, day).utc_bounds()
        return stmt.where(Sale.completed_at >= lo, Sale.completed_at < hi)
    if mode == "amount":
        return stmt.where(Sale.total + Sale.rounding == _amount(q))
    words = q.strip()
    members = select(SaleMember.sale_id).join(LoyaltyMember, LoyaltyMember.id == SaleMember.member_id)
    members = members.where(
        or_(
            LoyaltyMember.number == words,
            LoyaltyMember.phone == words,
            LoyaltyMember.name.ilike(f"%{words[:40]}%"),
        )
    )
    return stmt.where(Sale.id.in_(members))


def find(ctx: StoreContext, actor: Actor, mode: Mode = "number", q: str = "") -> dict[str, Any]:
    """Receipts newest first: this shift's with nothing asked, else the store's that match."""
    with ctx.db.sessions() as s:
        stmt = _filtered(ctx, s, actor, mode, q)
        sales: list[Sale] = list(
            s.scalars(stmt.order_by(Sale.completed_at.desc(), Sale.number.desc()).limit(MAX_ROWS + 1))
        )
        ids = [x.id for x in sales[:MAX_ROWS]]
        items: dict[str, int] = dict(
            s.execute(
                select(SaleLine.sale_id, ITEMS_IN_LINES).where(SaleLine.sale_id.in_(ids)).group_by(SaleLine.sale_id)
            ).all()
        )
        refunded = dict(
            s.execute(
                select(Refund.sale_id, func.sum(Refund.amount)).where(Refund.sale_id.in_(ids)).group_by(Refund.sale_id)
            ).all()
        )
        names = dict(
            s.execute(
                select(SaleMember.sale_id, LoyaltyMember.name)
                .join(LoyaltyMember, LoyaltyMember.id == SaleMember.member_id)
                .where(SaleMember.sale_id.in_(ids))
            ).all()
        )
    rows = [
        {
            "number": x.number,
            "at": shown_at(ctx, x.completed_at),
            "till_id": x.till_id,
            "total": x.total + x.rounding,
            "items": int(items.get(x.id) or 0),
            "refunded": int(refunded.get(x.id) or 0),
            "member": mask_name(names[x.id]) if x.id in names else "",
        }
        for x in sales[:MAX_ROWS]
    ]
    return {"items": rows, "truncated": len(sales) > MAX_ROWS, "shift": not q.strip()}


def detail(ctx: StoreContext, actor: Actor, number: str) -> dict[str, Any]:
    """One completed sale as the Transaksi screen shows it: lines with what can still be refunded, its tenders,
    the refunds made so far and the tender a refund goes back to."""
    number = receipt_number_of(ctx, number)
    with ctx.db.sessions() as s:
        sale = s.scalar(select(Sale).where(Sale.number == number, Sale.state == "completed"))
        if sale is None:
            raise NotFound("unknown_receipt", f"receipt {number} not found", number=number)
        tenders = tenders_of(s, sale.id)
        view = sale_json(ctx, sale, lines_of(s, sale.id), tenders)
        done = list(s.scalars(select(Refund).where(Refund.sale_id == sale.id).order_by(Refund.created_at)))
        member = s.scalar(
            select(LoyaltyMember.name)
            .join(SaleMember, SaleMember.member_id == LoyaltyMember.id)
            .where(SaleMember.sale_id == sale.id)
        )
        cashier = staff_name(s, sale.staff_id)
    lines = [
        {
            "id": l["id"],
            "name": l["name"],
            "qty": l["qty"],
            "measure": l["measure"],  # weight: qty and refundable in grams (qty_text says kg)
            "qty_text": l["qty_text"],
            "unit_price": l["unit_price"],
            "net": l["net"],
            "refunded_qty": l["refunded_qty"],
            "refundable": l["qty"] - l["refunded_qty"],
        }
        for l in view["lines"]
    ]
    return {
        "number": sale.number,
        "at": shown_at(ctx, sale.completed_at),
        "till_id": sale.till_id,
        "cashier": cashier,
        "member": mask_name(member) if member else "",
        "total": view["due"],
        "tenders": [{"type": t["type"], "amount": t["amount"]} for t in view["tenders"]],
        "refund_tender": original_tender([(t.type, t.amount) for t in tenders], DIRECT_TENDERS),
        "lines": lines,
        "refundable": any(l["refundable"] > 0 for l in lines),
        "refunds": [
            {"number": r.number, "amount": r.amount, "at": shown_at(ctx, r.created_at), "reason": r.reason}
            for r in done
        ],
        "receipt_path": till_path(ctx, number),
        "till": actor.till_id,
    }
