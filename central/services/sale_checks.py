"""What a store's sale and refund must hold before central applies them: a token proves who sends, not what is true.

The arithmetic is the till's own (pos.domain: prices, discounts spread per line, tax per group on the discounted
gross, cash rounding), so an honest sale always passes and anything else is refused with the figure that is off.
Every check runs before the handler writes a row: a refusal leaves nothing behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.tables import (
    Refund,
    RefundLine,
    Sale,
    SaleLine,
    ShiftRecord,
    TaxGroup,
    TillCharge,
    TillChargeRefund,
)
from common.contract.sale_events import RefundCompleted, SaleCompleted, SaleCompletedV2
from common.limits import MAX_AMOUNT
from common.measure import format_qty, line_gross
from common.pricing import taxes_by_group
from common.tenders import DIRECT_TENDERS, GATEWAY_TENDERS, TENDER_TYPES

from .measure_checks import check_measures, measure_of_line
from .payloads import Refused, Rejection

if TYPE_CHECKING:
    from .envelope import Event

# Half the largest cash rounding unit a store may set ([currency] cash_rounding up to Rp 1.000): central does not
# know each store's unit, so a rounding line beyond this cannot be one.
MAX_CASH_ROUNDING = 500


def _rp(n: int) -> str:
    return f"Rp {n:,}".replace(",", ".")


def check_origin(ev: Event, kind: str, number: str, till_id: str, store_id: str | None) -> None:
    """The fact is the pushing store's own, from the till (device) that wrote it: STORE-TILL-SEQUENCE numbers."""
    if store_id is not None and store_id != ev.store_id:
        raise Refused("other_store", f"{kind} {number} says it is of store {store_id}; it was pushed by {ev.store_id}")
    if ev.device_id != till_id:
        raise Refused(
            "other_device", f"{kind} {number} is of till {till_id!r} but its event comes from device {ev.device_id!r}"
        )
    if not number.startswith(f"{ev.store_id}-{till_id}-"):
        raise Refused(
            "foreign_number",
            f"{kind} number {number} is not one of till {till_id} of store {ev.store_id} "
            f"(expected {ev.store_id}-{till_id}-...)",
        )


def _within(what: str, amount: int, low: int = 0) -> None:
    if not low <= amount <= MAX_AMOUNT:
        raise Refused("amount_out_of_range", f"{what} is {amount}: an amount is {_rp(low)} to {_rp(MAX_AMOUNT)}")


def check_sale(
    s: Session,
    ev: Event,
    p: SaleCompleted,
    shifts: Mapping[str, tuple[str, str]] | None = None,
    rates: Mapping[str, int] | None = None,
) -> None:
    """`shifts` and `rates` as `sale_facts` read them for a whole batch; None: read them for this sale."""
    check_origin(ev, "sale", p.number, p.till_id, p.store_id)
    if p.shift_id:
        if shifts is None:
            shifts = sale_facts(s, [p])[0]
        shift = shifts.get(p.shift_id)
        if shift is not None and shift != (ev.store_id, p.till_id):
            raise Refused(
                "other_store_shift",
                f"sale {p.number} names shift {p.shift_id}, which is of till {shift[1]} of store {shift[0]}",
            )
    _check_zone(p)
    check_measures(s, p)
    _check_lines(p)
    _check_taxes(s, p, rates)
    _check_tenders(p)
    _check_gateway_tenders(s, ev, p)


def _check_gateway_tenders(s: Session, ev: Event, p: SaleCompleted) -> None:
    """A dynamic QRIS tender is what the gateway confirmed for this store's sale, to the rupiah: a store cannot
    claim a payment central never saw (nor one made for another store's sale)."""
    if not any(t.type in GATEWAY_TENDERS for t in p.tenders):
        return
    taken = sum(t.amount for t in p.tenders if t.type in GATEWAY_TENDERS)
    confirmed = int(
        s.scalar(
            select(func.coalesce(func.sum(TillCharge.amount), 0)).where(
                TillCharge.store_id == ev.store_id, TillCharge.sale_id == p.sale_id, TillCharge.settled_at.is_not(None)
            )
        )
        or 0
    )
    if taken != confirmed:
        raise Refused(
            "qris_not_confirmed",
            f"sale {p.number} has {_rp(taken)} in dynamic QRIS; the gateway confirmed {_rp(confirmed)} for it",
        )


def _check_zone(p: SaleCompleted) -> None:
    """A version 2 sale names its store's time zone; one no time zone database knows is a malformed payload."""
    if not isinstance(p, SaleCompletedV2):
        return
    try:
        ZoneInfo(p.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Rejection(
            "bad_payload", f"timezone: {p.timezone!r} is not a known time zone (an IANA name such as Asia/Jakarta)"
        ) from None


def sale_facts(s: Session, sales: list[SaleCompleted]) -> tuple[dict[str, tuple[str, str]], dict[str, int]]:
    """What the checks of these sales read from central, in two queries for the lot: the (store, till) of each
    shift they name, and the rate of each tax group they use."""
    shift_ids = {p.shift_id for p in sales if p.shift_id}
    shifts = (
        {
            sid: (store, till)
            for sid, store, till in s.execute(
                select(ShiftRecord.id, ShiftRecord.store_id, ShiftRecord.till_id).where(ShiftRecord.id.in_(shift_ids))
            )
        }
        if shift_ids
        else {}
    )
    groups = {l.tax_group for p in sales for l in p.lines} | {t.group for p in sales for t in p.taxes or ()}
    rates = dict(s.execute(select(TaxGroup.code, TaxGroup.rate_bp).where(TaxGroup.code.in_(groups))).all())
    return shifts, {str(k): int(v) for k, v in rates.items()}


def _check_lines(p: SaleCompleted) -> None:
    for i, l in enumerate(p.lines, start=1):
        where = f"line {i} ({l.sku})"
        if l.qty < 1:
            raise Refused("bad_quantity", f"{where} sells {l.qty}: a quantity sold is at least 1")
        gross = line_gross(l.unit_price, l.qty, measure_of_line(l))
        qty = format_qty(l.qty, measure_of_line(l), ".")
        _within(f"{where}: the unit price", l.unit_price)
        _within(f"{where}: {qty} x {_rp(l.unit_price)}", gross)
        _within(f"{where}: the line discount", l.line_discount)
        _within(f"{where}: its share of the sale discount", l.sale_discount)
        if l.line_discount + l.sale_discount > gross or l.net != gross - l.line_discount - l.sale_discount:
            raise Refused(
                "line_does_not_add_up",
                f"{where}: {qty} x {_rp(l.unit_price)} = {_rp(gross)} less discounts "
                f"{_rp(l.line_discount)} and {_rp(l.sale_discount)} is "
                f"{_rp(gross - l.line_discount - l.sale_discount)}, not {_rp(l.net)}",
            )
    for name in ("subtotal", "discount", "tax", "total", "paid", "change"):
        _within(f"the sale's {name}", getattr(p, name))
    subtotal = sum(line_gross(l.unit_price, l.qty, measure_of_line(l)) for l in p.lines)
    discount = sum(l.line_discount + l.sale_discount for l in p.lines)
    total = sum(l.net for l in p.lines)
    if (p.subtotal, p.discount, p.total) != (subtotal, discount, total):
        raise Refused(
            "totals_do_not_add_up",
            f"the lines add up to subtotal {_rp(subtotal)}, discounts "
            f"{_rp(discount)}, total {_rp(total)}; the sale says {_rp(p.subtotal)}, "
            f"{_rp(p.discount)}, {_rp(p.total)}",
        )


def _check_taxes(s: Session, p: SaleCompleted, rates: Mapping[str, int] | None) -> None:
    """Tax per group on the discounted gross, rounded once per group, at central's rate for the group."""
    groups = {l.tax_group for l in p.lines} | {t.group for t in p.taxes or ()}
    if rates is None:
        rates = sale_facts(s, [p])[1]
    unknown = sorted(groups - set(rates))
    if unknown:
        raise Refused("unknown_tax_group", f"tax group {', '.join(unknown)} is not in the central catalog")
    expected = taxes_by_group([(l.tax_group, rates[l.tax_group], l.net) for l in p.lines])
    if p.taxes is not None:
        sent = sorted((t.group, t.rate_bp, t.gross, t.tax) for t in p.taxes)
        want = sorted((t.group, t.rate_bp, t.gross, t.tax) for t in expected)
        if sent != want:
            raise Refused(
                "tax_does_not_add_up",
                f"the sale's tax lines (group, rate, gross, tax) are {sent}; its lines at central's rates give {want}",
            )
    tax = sum(t.tax for t in expected)
    if p.tax != tax:
        raise Refused("tax_does_not_add_up", f"the lines' tax per group is {_rp(tax)}, the sale says {_rp(p.tax)}")


def _check_tenders(p: SaleCompleted) -> None:
    for t in p.tenders:
        if t.type not in TENDER_TYPES:
            raise Refused("bad_tender", f"tender type {t.type!r} is not one of {', '.join(TENDER_TYPES)}")
        _within(f"a {t.type} tender", t.amount, low=1)
    cash = sum(t.amount for t in p.tenders if t.type == "cash")
    non_cash = sum(t.amount for t in p.tenders if t.type != "cash")
    has_cash = any(t.type == "cash" for t in p.tenders)
    if abs(p.rounding) > (MAX_CASH_ROUNDING if has_cash else 0):
        raise Refused(
            "bad_rounding",
            f"a rounding line of {_rp(p.rounding)} "
            + (
                f"is more than cash rounding gives ({_rp(MAX_CASH_ROUNDING)} at most)"
                if has_cash
                else "on a sale paid without cash: only cash is rounded"
            ),
        )
    due = p.total + p.rounding
    if p.paid != cash + non_cash:
        raise Refused(
            "tenders_do_not_add_up", f"the tenders add up to {_rp(cash + non_cash)}, the sale says {_rp(p.paid)} paid"
        )
    if non_cash > p.total:
        raise Refused(
            "tenders_exceed_total",
            f"{_rp(non_cash)} paid other than in cash is more than the total {_rp(p.total)}: only cash gives change",
        )
    if p.paid < due:
        raise Refused("underpaid", f"the tenders cover {_rp(p.paid)} of the {_rp(due)} due")
    if p.change != p.paid - due:
        raise Refused(
            "wrong_change",
            f"change on {_rp(p.paid)} paid for {_rp(due)} due is {_rp(p.paid - due)}, not {_rp(p.change)}",
        )


def check_refund(s: Session, ev: Event, p: RefundCompleted, sale: Sale) -> None:
    """Lines of that sale, never more (quantity or money) than is left of each after earlier refunds."""
    check_origin(ev, "refund", p.number, p.till_id, p.store_id)
    if p.tender_type not in DIRECT_TENDERS:
        raise Refused("bad_tender", f"a refund is paid back in {', '.join(DIRECT_TENDERS)}, not {p.tender_type!r}")
    if p.tender_type in GATEWAY_TENDERS:
        sent = s.get(TillChargeRefund, p.id)
        if sent is None or sent.store_id != ev.store_id or sent.amount != p.amount:
            raise Refused(
                "qris_refund_not_sent",
                f"refund {p.number} says {_rp(p.amount)} went back by QRIS; the gateway has no such refund from central",
            )
    sold = {l.id: l for l in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id))}
    earlier = {
        row[0]: (int(row[1]), int(row[2]))
        for row in s.execute(
            select(RefundLine.sale_line_id, func.sum(RefundLine.qty), func.sum(RefundLine.amount))
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(Refund.sale_id == sale.id)
            .group_by(RefundLine.sale_line_id)
        )
    }
    asked: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, l in enumerate(p.lines, start=1):
        line = sold.get(l.sale_line_id)
        if line is None or line.sku != l.sku:
            raise Refused("unknown_line", f"refund line {i} ({l.sku}) is not a line of sale {sale.number}")
        if l.qty < 1:
            raise Refused("bad_quantity", f"refund line {i} ({l.sku}) takes back {l.qty}: at least 1")
        _within(f"refund line {i} ({l.sku})", l.amount)
        asked[line.id][0] += l.qty
        asked[line.id][1] += l.amount
    for line_id, (qty, amount) in asked.items():
        line, (qty_before, amount_before) = sold[line_id], earlier.get(line_id, (0, 0))
        if qty_before + qty > line.qty:
            raise Refused(
                "refund_exceeds_sold",
                f"{line.sku}: {line.qty} sold, {qty_before} refunded before; {qty} more is too many",
            )
        if amount_before + amount > line.net:
            raise Refused(
                "refund_exceeds_paid",
                f"{line.sku}: {_rp(line.net)} paid, {_rp(amount_before)} refunded "
                f"before; {_rp(amount)} more is too much",
            )
    lines_total = sum(l.amount for l in p.lines)
    back = p.points_back.value if p.points_back else 0
    if (
        abs(p.rounding) > (MAX_CASH_ROUNDING if p.tender_type == "cash" else 0)
        or not 0 <= back <= lines_total
        or p.amount != lines_total - back + p.rounding
    ):
        raise Refused(
            "refund_does_not_add_up",
            f"refund {p.number} pays back {_rp(p.amount)}; its lines come to "
            f"{_rp(lines_total)}, less {_rp(back)} given back as points, "
            f"rounding {_rp(p.rounding)}",
        )
