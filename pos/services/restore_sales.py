"""After a backup is put back: the sales central holds that the backup lacks, recorded again as completed sales.

A sale made after the backup was taken and synced lives on at central only; without it the till cannot find it,
reprint it or refund it, its shift's expected cash lacks its cash and the day's reports lack it. Each sale central
names is written back as the till's completion wrote it (the sale, its lines and its tenders, same ids and receipt
number) with no outbox event, since central has it, and no stock movement: the restore records the stock of
central's later events apart (restore.RESTORE_REASON), so a sale's stock is counted once. The lines central's own
refunds took back are marked so (refunded_qty), a floor the refunds brought back after it (restore_refunds) never
lower; a member sale gets its member and the points it earned (restore_points).

Central's answer is trusted only as far as it is consistent: a sale must be of this store, of a till it has,
numbered STORE-TILL-..., by staff the backup knows, paid with tenders the till takes, and its lines must add up to
its totals when priced as the till prices them (common.pricing, the store's tax rates and cash rounding). A sale of
a shift the backup has open is added to it (the Z then counts its cash); a sale of a shift opened after the backup
gets that shift back as closed at central (its Z is central's), so no till has two shifts open. A sale paid partly
with points is left out: the member's points stay at central, and a refund here would pay them back as money. A
sale the backup holds open (completed after the backup) is completed as central says; one it holds completed is
skipped, so a restore run twice records nothing twice. Any other is left out with a line saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from common.contract.sale_events import SaleCompleted, SaleLineV3
from common.contract.wire import BadPayload, Id
from common.errors import DomainError
from common.limits import MAX_AMOUNT
from common.money import format_money
from common.tenders import TENDERS
from common.timestamps import parse_time
from pos.adapters.tables import Sale, SaleLine, Shift, Staff, TaxGroup, TenderRow

from . import restore_points
from .context import StoreContext
from .restore_cash import NotTaken, of_store
from .sale_views import price, settlement

MAX_SALES = 50_000  # read at most these (central answers 1,000 at a time); more stay at central, with a warning


class _Line(SaleLineV3):
    """A line as central's recovery answer says it (central.web.recovery_api.RecoverySaleLine)."""

    refunded_qty: int = Field(0, strict=True, ge=0)


class _Sale(SaleCompleted):
    """A sale as central's recovery answer says it (central.web.recovery_api.RecoverySale)."""

    lines: list[_Line] = Field(min_length=1, max_length=1000)  # type: ignore[assignment]  # narrower lines
    shift_opening_float: int | None = Field(None, strict=True, ge=0, le=MAX_AMOUNT)
    points: list[restore_points.PointsIn] = Field(default_factory=list, max_length=10)
    discount_approved_by: Id | None = None  # version 5's, as central keeps it: kept when on the backup's staff


@dataclass
class Relearned:
    sales: list[dict[str, Any]] = field(default_factory=list)  # each recorded: number, till_id, total
    refused: list[str] = field(default_factory=list)  # one line per sale left out, saying why
    shifts: dict[str, Shift] = field(default_factory=dict)  # shifts opened after the backup, back as closed


def relearn(s: Session, ctx: StoreContext, sales: Any, tills: set[str], more_after: Any = None) -> Relearned:
    """Record central's sales the backup lacks; `tills`: those the store has (in the backup or its config);
    `more_after`: central holds more sales after this store_seq that were not read."""
    out = Relearned()
    seen: set[str] = set()
    for raw in to_read(sales, MAX_SALES, more_after is not None, "sales", "the till does not find them", out.refused):
        what = f"sale {name(raw)}"
        try:
            p = of_store(_Sale, raw, ctx.store_id, "a sale")
            if {p.sale_id, p.number} & seen:
                raise NotTaken("central names it (its id or its number) twice")
            seen |= {p.sale_id, p.number}
            recorded = _record(s, ctx, p, tills, out.shifts)
        except (NotTaken, BadPayload, DomainError) as e:
            out.refused.append(f"{what} not recorded: {e}")
            continue
        if recorded:
            out.sales.append({"number": p.number, "till_id": p.till_id, "total": p.total})
    return out


def to_read(items: Any, limit: int, more: bool, kind: str, unread: str, refused: list[str]) -> list[Any]:
    """Central's `kind` (sales, refunds) to read, `limit` at most; a line in `refused` when they are not a list, or
    some stay unread (`more`: central says it holds more; `unread`: what that means at the till)."""
    if not isinstance(items, list):
        refused.append(f"central's {kind} are not a list: none recorded")
        return []
    if more or len(items) > limit:
        refused.append(
            f"central holds more {kind} after the backup than the {min(len(items), limit):,} read: "
            f"the others stay at central only ({unread})"
        )
    return items[:limit]


def name(raw: Any) -> str:
    if not isinstance(raw, dict):
        return "?"
    return str(raw.get("number") or raw.get("sale_id") or raw.get("id"))[:48]


def _within(what: str, amount: int, low: int = 0) -> None:
    if not low <= amount <= MAX_AMOUNT:
        raise NotTaken(f"{what} is {amount}: an amount is {format_money(low)} to {format_money(MAX_AMOUNT)}")


def _record(s: Session, ctx: StoreContext, p: _Sale, tills: set[str], made: dict[str, Shift]) -> bool:
    """Check the sale and write it; False when the backup holds it completed already."""
    of_till(ctx.store_id, p.till_id, p.number, tills)
    points = restore_points.checked(p.points, p.member_id, "earn")
    if not p.staff_id or s.get(Staff, p.staff_id) is None:
        raise NotTaken(f"its cashier {p.staff_id} is not in the backup")
    held = s.get(Sale, p.sale_id)
    if held is not None and held.state == "completed" and (held.number, held.total) == (p.number, p.total):
        return False  # a restore run before recorded it (or the backup was taken after it)
    if held is not None and (held.state not in ("open", "parked") or held.till_id != p.till_id):
        raise NotTaken(f"the backup holds sale {p.sale_id} as {held.state} {held.number or ''} on till {held.till_id}")
    other = s.scalar(select(Sale.id).where(Sale.number == p.number))
    if other is not None and other != p.sale_id:
        raise NotTaken("the backup holds another sale under this number")
    at = parse_time(p.completed_at)
    if at is None:
        raise NotTaken(f"its time {p.completed_at!r} cannot be read")
    tenders = _tenders(p, at)
    lines = _lines(s, p)
    sale = Sale(
        id=p.sale_id,
        till_id=p.till_id,
        staff_id=p.staff_id,
        state="completed",
        number=p.number,
        discount_kind="amount" if any(l.sale_discount for l in p.lines) else None,
        discount_value=sum(l.sale_discount for l in p.lines) or None,
        discount_approved_by=p.discount_approved_by and s.get(Staff, p.discount_approved_by) and p.discount_approved_by,
        subtotal=p.subtotal,
        discount_total=p.discount,
        tax_total=p.tax,
        rounding=p.rounding,
        total=p.total,
        paid=p.paid,
        change=p.change,
        created_at=at,
        completed_at=at,
    )
    _check_adds_up(ctx, p, sale, lines, tenders)
    sale.shift_id = _shift(s, p, at, made).id
    if held is not None:  # open in the backup, completed after it: its lines and payments as completed
        s.execute(delete(SaleLine).where(SaleLine.sale_id == held.id))
        s.execute(delete(TenderRow).where(TenderRow.sale_id == held.id))
        for column in Sale.__table__.columns:
            setattr(held, column.key, getattr(sale, column.key))
    else:
        s.add(sale)
    s.flush()
    s.add_all([*lines, *tenders])
    if p.member_id:  # the till's record of a member sale: its member, the points it earned
        restore_points.link_member(s, p.sale_id, p.member_id, at)
        restore_points.book(s, points, p.sale_id, None, at)
    s.flush()
    return True


def of_till(store_id: str, till_id: str, number: str, tills: set[str]) -> None:
    """A receipt number (a sale's or a refund's) of one of the store's tills, as that till numbers them."""
    if till_id not in tills:
        raise NotTaken(f"till {till_id!r} is not one of this store's")
    tail = number.removeprefix(f"{store_id}-{till_id}-")
    if tail == number or not tail.isdigit():
        raise NotTaken(f"its number is not one of till {till_id} (expected {store_id}-{till_id}-...)")


def _tenders(p: _Sale, at: datetime) -> list[TenderRow]:
    ids = {t.id for t in p.tenders}
    if len(ids) < len(p.tenders):
        raise NotTaken("two of its payments have one id")
    for t in p.tenders:
        kind = TENDERS.get(t.type)
        if kind is None:
            raise NotTaken(f"{t.type!r} is not a way to pay")
        if not kind.direct:
            raise NotTaken(f"it was paid partly in {t.type}: the member's points stay at central")
        _within(f"a {t.type} payment", t.amount, low=1)
    non_cash = sum(t.amount for t in p.tenders if t.type != "cash")
    if non_cash > p.total:
        raise NotTaken(
            f"{format_money(non_cash)} paid other than in cash is more than its total: only cash gives change"
        )
    return [
        TenderRow(id=t.id, sale_id=p.sale_id, type=t.type, amount=t.amount, reference=None, created_at=at)
        for t in p.tenders
    ]


def _lines(s: Session, p: _Sale) -> list[SaleLine]:
    if len({l.id for l in p.lines}) < len(p.lines):
        raise NotTaken("two of its lines have one id")
    rates = {code: int(rate) for code, rate in s.execute(select(TaxGroup.code, TaxGroup.rate_bp))}
    lines = []
    for i, l in enumerate(p.lines, start=1):
        where = f"line {i} ({l.sku})"
        if l.tax_group not in rates:
            raise NotTaken(f"{where}: tax group {l.tax_group!r} is not in this store's catalog")
        for name in ("unit_price", "line_discount", "sale_discount", "net"):
            _within(f"{where}: its {name.replace('_', ' ')}", getattr(l, name))
        if l.qty < 1 or l.refunded_qty > l.qty:
            raise NotTaken(f"{where}: {l.qty} sold, {l.refunded_qty} refunded")
        lines.append(
            SaleLine(
                id=l.id,
                sale_id=p.sale_id,
                position=i,
                sku=l.sku,
                barcode=None,
                name=l.name or l.sku,
                unit_price=l.unit_price,
                qty=l.qty,
                tax_group=l.tax_group,
                tax_rate_bp=rates[l.tax_group],
                discount_kind="amount" if l.line_discount else None,
                discount_value=l.line_discount or None,
                line_discount=l.line_discount,
                sale_discount=l.sale_discount,
                net=l.net,
                refunded_qty=l.refunded_qty,
                measure=l.measure,
            )
        )
    return lines


def _check_adds_up(ctx: StoreContext, p: _Sale, sale: Sale, lines: list[SaleLine], tenders: list[TenderRow]) -> None:
    """Priced as the till prices it, the sale comes to what central says, to the rupiah (so every screen that
    prices it again, the receipt and the refund agree with the figures stored)."""
    for name in ("subtotal", "discount", "tax", "total", "paid", "change"):
        _within(f"its {name}", getattr(p, name))
    priced = price(sale, lines)
    for i, (l, q) in enumerate(zip(p.lines, priced.lines, strict=True), start=1):
        if (l.line_discount, l.sale_discount, l.net) != (q.line_discount, q.sale_discount, q.net):
            raise NotTaken(
                f"line {i} ({l.sku}): {l.qty} x {format_money(l.unit_price)} less {format_money(q.line_discount)} "
                f"and {format_money(q.sale_discount)} is {format_money(q.net)}, not {format_money(l.net)}"
            )
    st = settlement(ctx, priced.total, tenders)
    figures = (priced.subtotal, priced.discount_total, priced.tax_total, priced.total, st.rounding, st.paid, st.change)
    said = (p.subtotal, p.discount, p.tax, p.total, p.rounding, p.paid, p.change)
    if figures != said or not st.is_paid:
        names = ("subtotal", "discount", "tax", "total", "rounding", "paid", "change")
        off = [
            f"{n} {format_money(b)}, not {format_money(a)}"
            for n, a, b in zip(names, figures, said, strict=True)
            if a != b
        ]
        raise NotTaken(
            f"its lines and payments do not add up to its totals: it says {'; '.join(off or ['less paid than is due'])}"
        )


def _shift(s: Session, p: _Sale, at: datetime, made: dict[str, Shift]) -> Shift:
    """The sale's shift: one the backup has open on its till, or one opened after the backup, back as closed."""
    if not p.shift_id:
        raise NotTaken("it names no shift")
    shift = made.get(p.shift_id) or s.get(Shift, p.shift_id)
    if shift is None:
        shift = Shift(
            id=p.shift_id,
            till_id=p.till_id,
            staff_id=p.staff_id,
            state="closed",  # closed at central: its Z is central's; the till opens a shift of its own
            opening_float=p.shift_opening_float or 0,
            opened_at=at,
            closed_at=at,
        )
        s.add(shift)
        made[shift.id] = shift
    if shift.till_id != p.till_id:
        raise NotTaken(f"its shift {p.shift_id} is of till {shift.till_id}")
    if shift.state != "open" and shift.report_json is not None:
        raise NotTaken(f"its shift {p.shift_id} was closed in the backup (its Z taken): a later sale is not of it")
    if shift.id in made:
        shift.opened_at, shift.closed_at = min(shift.opened_at, at), max(shift.closed_at or at, at)
    return shift
