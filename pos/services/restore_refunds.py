"""After a backup is put back: the refunds central holds that the backup lacks, recorded again as the till's refunds.

A refund made after the backup was taken and synced lives on at central only; without it the sale's lines show as
not refunded (the till would give the same item back twice) and a cash refund is missing from its shift's expected
cash. Each refund central names is written back as the till wrote it (the refund, its lines under the same ids and
receipt number, the sale lines' refunded quantity) with no outbox event, since central has it, and no stock
movement: the restore records the stock of central's later events apart (restore.RESTORE_REASON), so a refund's
stock comes back once. The points central booked for it (a member sale's) are booked again (restore_points).

Central keeps no rounding or tax of a refund; they are worked out as the till did, and its shift and people when
central has none of them (a refund central recorded before it kept them):
- its lines are planned again as the till plans them (pos.domain.refunds, after the refunds before it) and must be
  the amounts central says, to the rupiah, never past what is left of a line; the points a member sale paid with
  come back as the till gives them back, cash is rounded as the drawer pays, and the rest must be what central says
  was paid back; the tax is the planned lines' tax;
- its shift is the one central names when the store knows it for the refund's till (the backup's, not closed with
  its Z taken, or one restore_sales brought back; a shift of another till or store, or one unknown here, is not
  taken); else the latest one of its till that the restore brought back closed (restore_sales) opened by its time,
  else the shift the backup has open on its till (its expected cash then counts a cash refund), else none (its
  shift is central's only, and its cash counts in no drawer here);
- its cashier, and the manager who approved it, are the ones central names when the backup has them on its staff;
  else that shift's cashier (else the sale's).

A refund must be of this store, of a till it has, numbered STORE-TILL-..., of a completed sale the store holds (the
backup's or one restore_sales brought back). One held already is skipped, so a restore run twice records nothing
twice; any other is left out with a line saying why, and the restore goes on without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.contract.sale_events import RefundCompleted
from common.contract.wire import BadPayload, Id, Wire, parse
from common.errors import DomainError
from common.money import format_money
from common.tenders import DIRECT_TENDERS
from common.timestamps import parse_time
from pos.adapters.tables import Refund, RefundLine, Sale, SaleLine, SaleMember, Shift, Staff
from pos.domain.refunds import RefundPlan, SoldLine, plan_refund
from pos.domain.tenders import cash_rounding

from . import restore_points
from .context import StoreContext
from .loyalty_facts import refund_points_back
from .restore_cash import NotTaken, of_store
from .restore_sales import name, of_till, to_read

MAX_REFUNDS = 5000  # central answers at most these (central.services.recovery_sales.MAX_REFUNDS); more are not read
MAX_LINES = 50_000  # of `refunded_lines` (central.services.recovery_sales.MAX_REFUNDED_LINES)


class _Refunded(Wire):
    """A sale line and all central's refunds of it took back (central.web.recovery_api.RecoveryRefundedLine)."""

    sale_id: Id
    line_id: Id
    qty: int = Field(strict=True, ge=0, le=10**6)


class _Refund(RefundCompleted):
    """A refund as central's recovery answer says it (central.web.recovery_api.RecoveryRefund)."""

    points: list[restore_points.PointsIn] = Field(default_factory=list, max_length=10)
    # Who made and approved it and its shift, as central keeps them (None: central has none); checked by staff_of, _shift
    staff_id: Any = None
    approved_by: Any = None
    shift_id: Any = None


@dataclass
class Relearned:
    refunds: list[dict[str, Any]] = field(default_factory=list)  # each recorded: number, till_id, amount, shift
    refused: list[str] = field(default_factory=list)  # one line per refund left out, saying why


def relearn(
    s: Session, ctx: StoreContext, refunds: Any, tills: set[str], made: dict[str, Shift], more: Any = False
) -> Relearned:
    """Record central's refunds the backup lacks, oldest first; `tills`: those the store has; `made`: the shifts
    restore_sales brought back closed; `more`: central holds more than it named."""
    out = Relearned()
    seen: set[str] = set()
    unread = "their lines can be refunded again here: check a return against central"
    for raw in to_read(refunds, MAX_REFUNDS, bool(more), "refunds", unread, out.refused):
        what = f"refund {name(raw)}"
        try:
            p = of_store(_Refund, raw, ctx.store_id, "a refund")
            if {p.id, p.number} & seen:
                raise NotTaken("central names it (its id or its number) twice")
            seen |= {p.id, p.number}
            row = _record(s, ctx, p, tills, made)
        except (NotTaken, BadPayload, DomainError) as e:
            out.refused.append(f"{what} not recorded: {e}")
            continue
        if row is not None:
            out.refunds.append(
                {"number": row.number, "till_id": row.till_id, "amount": row.amount, "shift_id": row.shift_id}
            )
    return out


def floor(s: Session, lines: Any, refused: list[str]) -> None:
    """Mark each sale line refunded at least as far as central's refunds of it went (never past what was sold):
    a refund left out above (or unread) still cannot be given back twice. Lines of sales the store lacks are
    skipped; a line raised past the refunds recorded here gets a warning, the first of them named."""
    raised: list[str] = []
    for raw in lines[:MAX_LINES] if isinstance(lines, list) else []:
        try:
            p = parse(_Refunded, raw)
        except BadPayload:
            continue
        line = s.get(SaleLine, (p.sale_id, p.line_id))
        if line is not None and min(p.qty, line.qty) > line.refunded_qty:
            line.refunded_qty = min(p.qty, line.qty)
            raised.append(f"{line.sku} of sale {p.sale_id}")
    if raised:
        refused.append(
            f"{len(raised)} sale lines ({', '.join(raised[:3])}{' ...' if len(raised) > 3 else ''}) are marked refunded "
            "as far as central's refunds of them went, past the refunds recorded here: those refunds stay at central"
        )


def _record(s: Session, ctx: StoreContext, p: _Refund, tills: set[str], made: dict[str, Shift]) -> Refund | None:
    """Check the refund and write it; None when the store holds it already."""
    of_till(ctx.store_id, p.till_id, p.number, tills)
    held = s.get(Refund, p.id)
    if held is not None:
        if (held.number, held.sale_id, held.amount) != (p.number, p.sale_id, p.amount):
            raise NotTaken(f"the backup holds another refund under this id ({held.number})")
        return None  # a restore run before recorded it (or the backup was taken after it)
    if s.scalar(select(Refund.id).where(Refund.number == p.number)) or s.scalar(
        select(Sale.id).where(Sale.number == p.number)
    ):
        raise NotTaken("the store holds another receipt under this number")
    sale = s.get(Sale, p.sale_id)
    if sale is None or sale.state != "completed":
        raise NotTaken(f"its sale {p.sale_id} is not a completed sale here (neither in the backup nor brought back)")
    if p.tender_type not in DIRECT_TENDERS:
        raise NotTaken(f"it pays back in {p.tender_type!r}: a refund pays back in {', '.join(DIRECT_TENDERS)}")
    at = parse_time(p.created_at)
    if at is None:
        raise NotTaken(f"its time {p.created_at!r} cannot be read")
    link = s.get(SaleMember, sale.id)
    points = restore_points.checked(p.points, link.member_id if link else None, "reverse")
    lines, plan, before = _lines(s, p, sale)
    points_back, points_value = refund_points_back(s, ctx, sale.id, plan.amount)
    owed = plan.amount - points_value
    rounding = cash_rounding(owed, 0, ctx.config.currency.cash_rounding) if p.tender_type == "cash" else 0
    if p.amount != owed + rounding:
        raise NotTaken(
            f"it pays back {format_money(p.amount)}; its lines come to {format_money(plan.amount)}, less "
            f"{format_money(points_value)} given back as points, {format_money(rounding)} rounding"
        )
    shift = _shift(s, p, at, made)
    staff = shift.staff_id if shift is not None else sale.staff_id
    row = Refund(
        id=p.id,
        number=p.number,
        sale_id=sale.id,
        till_id=p.till_id,
        shift_id=shift.id if shift is not None else None,
        staff_id=staff_of(s, p.staff_id) or staff,
        approved_by=staff_of(s, p.approved_by) or staff,
        tender_type=p.tender_type,
        amount=p.amount,
        rounding=rounding,
        tax_total=sum(t.tax for t in plan.taxes),
        reason=p.reason,
        created_at=at,
    )
    s.add(row)
    s.flush()
    s.add_all(RefundLine(refund_id=p.id, sale_id=sale.id, **l) for l in lines)
    for l in plan.lines:  # the till's count, or central's (restore_sales) when that is higher: never lowered
        line = s.get(SaleLine, (sale.id, l.line_id))
        assert line is not None
        line.refunded_qty = max(line.refunded_qty, before.get(l.line_id, 0) + l.qty)
    restore_points.book(s, points, sale.id, p.id, at)
    s.flush()
    return row


def _refunded(s: Session, sale_id: str) -> dict[str, int]:
    """Per line of the sale, the quantity the store's refunds gave back (those recorded before this one)."""
    return {
        line_id: int(qty)
        for line_id, qty in s.execute(
            select(RefundLine.sale_line_id, func.sum(RefundLine.qty))
            .where(RefundLine.sale_id == sale_id)
            .group_by(RefundLine.sale_line_id)
        )
    }


def _lines(s: Session, p: _Refund, sale: Sale) -> tuple[list[dict[str, Any]], RefundPlan, dict[str, int]]:
    """The refund's lines as rows, the till's plan of them and what the store had refunded of each line before
    them; NotTaken (or the till's refusal) when they are not
    lines of the sale, past what is left of them, or not the amounts the till gives back."""
    if len({l.id for l in p.lines}) < len(p.lines) or len({l.sale_line_id for l in p.lines}) < len(p.lines):
        raise NotTaken("two of its lines have one id, or give back one sale line twice")
    sold = {l.id: l for l in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id))}
    before = _refunded(s, sale.id)
    for i, l in enumerate(p.lines, start=1):
        line = sold.get(l.sale_line_id)
        if line is None or line.sku != l.sku:
            raise NotTaken(f"line {i} ({l.sku}) is not a line of sale {sale.number}")
    plan = plan_refund(
        [SoldLine(l.id, l.sku, l.qty, l.net, l.tax_group, l.tax_rate_bp, before.get(l.id, 0)) for l in sold.values()],
        [(l.sale_line_id, l.qty) for l in p.lines],
    )
    for i, (l, q) in enumerate(zip(p.lines, plan.lines, strict=True), start=1):
        if l.amount != q.amount:
            raise NotTaken(
                f"line {i} ({l.sku}): {l.qty} of {sold[l.sale_line_id].qty} sold for "
                f"{format_money(sold[l.sale_line_id].net)} gives back {format_money(q.amount)}, not "
                f"{format_money(l.amount)}"
            )
    rows = [
        {"id": l.id, "sale_line_id": l.sale_line_id, "sku": l.sku, "qty": l.qty, "amount": l.amount} for l in p.lines
    ]
    return rows, plan, before


def staff_of(s: Session, named: Any) -> str | None:
    """The staff member central names when the backup has them on its staff, else None."""
    return named if isinstance(named, str) and 0 < len(named) <= 36 and s.get(Staff, named) is not None else None


def _shift(s: Session, p: _Refund, at: datetime, made: dict[str, Shift]) -> Shift | None:
    """The refund's shift: central's when the store knows it for its till, else the best guess (module docstring)."""
    if isinstance(p.shift_id, str) and 0 < len(p.shift_id) <= 36:
        named = made.get(p.shift_id) or s.get(Shift, p.shift_id)
        closed_before = named is not None and named.id not in made and named.report_json is not None
        if named is not None and named.till_id == p.till_id and not closed_before:
            if named.id in made:  # brought back closed: it spans its refunds as it spans its sales
                named.opened_at, named.closed_at = min(named.opened_at, at), max(named.closed_at or at, at)
            return named
    later = [sh for sh in made.values() if sh.till_id == p.till_id and sh.opened_at <= at]
    if later:
        return max(later, key=lambda sh: sh.opened_at)
    shift = s.scalar(select(Shift).where(Shift.till_id == p.till_id, Shift.state == "open"))
    return shift if shift is not None and shift.opened_at <= at else None
