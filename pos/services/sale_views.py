"""Reading a sale back: its lines, tenders and totals as JSON-ready dicts (money as integer minor units)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.orm import Session

from common.errors import NotFound
from common.measure import qty_texts
from common.pricing import Discount, LineInput, PricedSale, discount_kind, price_sale
from pos.adapters.sale_rows import LineRec, SaleRec, TenderRec
from pos.adapters.tables import Sale, SaleLine, TenderRow
from pos.domain.tenders import Settlement, Tender, settle

from .context import StoreContext

# Built once: building a statement costs more than running it from SQLAlchemy's compiled cache (bench/checkout.py).
_LINES = select(SaleLine).where(SaleLine.sale_id == bindparam("sale_id")).order_by(SaleLine.position)
_TENDERS = (
    select(TenderRow).where(TenderRow.sale_id == bindparam("sale_id")).order_by(TenderRow.created_at, TenderRow.id)
)
_SALE = select(Sale).where(or_(Sale.id == bindparam("key"), Sale.number == bindparam("key")))
_L, _T = SaleLine.__table__, TenderRow.__table__
_LINE_ROWS = select(_L).where(_L.c.sale_id == bindparam("sale_id")).order_by(_L.c.position)
_TENDER_ROWS = select(_T).where(_T.c.sale_id == bindparam("sale_id")).order_by(_T.c.created_at, _T.c.id)

# A line or tender as an ORM object (to change it) or as a plain Core row with the same names (to read it).
LineLike = SaleLine | LineRec | Row[Any]
TenderLike = TenderRow | TenderRec | Row[Any]
SaleLike = Sale | SaleRec


def lines_of(session: Session, sale_id: str) -> list[SaleLine]:
    return list(session.scalars(_LINES, {"sale_id": sale_id}))


def tenders_of(session: Session, sale_id: str) -> list[TenderRow]:
    return list(session.scalars(_TENDERS, {"sale_id": sale_id}))


def line_rows(session: Session, sale_id: str) -> Sequence[Row[Any]]:
    """The lines as lines_of reads them, as read-only Core rows (no ORM objects: completion only reads them)."""
    return session.execute(_LINE_ROWS, {"sale_id": sale_id}).all()


def tender_rows(session: Session, sale_id: str) -> Sequence[Row[Any]]:
    """The tenders as tenders_of reads them, as read-only Core rows."""
    return session.execute(_TENDER_ROWS, {"sale_id": sale_id}).all()


def line_order(line: SaleLine) -> int:
    """The order lines_of reads lines in, for lists kept in memory during a change."""
    return line.position


def tender_order(tender: TenderRow) -> tuple[datetime, str]:
    """The order tenders_of reads tenders in (the database keeps wall time without a zone, as compared here)."""
    at = tender.created_at
    return (at.replace(tzinfo=None) if at.tzinfo else at), tender.id


def _discount(kind: str | None, value: int | None) -> Discount | None:
    return Discount(discount_kind(kind), value) if kind and value else None


def price(sale: SaleLike, lines: Sequence[LineLike]) -> PricedSale:
    return price_sale(
        [
            LineInput(
                l.id,
                l.sku,
                l.name,
                l.unit_price,
                l.qty,
                l.tax_group,
                l.tax_rate_bp,
                _discount(l.discount_kind, l.discount_value),
                l.measure,
            )
            for l in lines
        ],
        _discount(sale.discount_kind, sale.discount_value),
    )


def settlement(ctx: StoreContext, total: int, tenders: Sequence[TenderLike]) -> Settlement:
    return settle(total, [Tender(t.type, t.amount, t.reference) for t in tenders], ctx.config.currency.cash_rounding)


def mask(reference: str | None) -> str | None:
    if not reference:
        return reference
    return ("*" * max(0, len(reference) - 4)) + reference[-4:]


def sale_json(
    ctx: StoreContext,
    sale: SaleLike,
    lines: Sequence[LineLike],
    tenders: Sequence[TenderLike],
    priced: PricedSale | None = None,
) -> dict[str, Any]:
    """The sale as JSON; `priced` is price(sale, lines) when the caller has just computed it."""
    priced = price(sale, lines) if priced is None else priced
    st = settlement(ctx, priced.total, tenders)
    decimal = ctx.config.currency.decimal  # read once, not per line (a scan's view is made on every scan)
    return {
        "id": sale.id,
        "number": sale.number,
        "state": sale.state,
        "till_id": sale.till_id,
        "staff_id": sale.staff_id,
        "created_at": sale.created_at.isoformat(),
        "completed_at": sale.completed_at.isoformat() if sale.completed_at else None,
        "lines": [
            {
                "id": l.id,
                "sku": l.sku,
                "barcode": l.barcode,
                "name": l.name,
                "qty": l.qty,
                "measure": l.measure,
                "qty_text": qty_texts(l.qty, l.measure, decimal),  # "1,250 kg" for a weighed line (grams)
                "unit_price": l.unit_price,
                "gross": p.gross,
                "line_discount": p.line_discount,
                "sale_discount": p.sale_discount,
                "discount": p.discount,
                "net": p.net,
                "tax_group": l.tax_group,
                "refunded_qty": l.refunded_qty,
                "discount_spec": {"kind": l.discount_kind, "value": l.discount_value} if l.discount_kind else None,
            }
            for l, p in zip(lines, priced.lines, strict=True)  # price_sale keeps the order of the lines
        ],
        "discount_spec": {"kind": sale.discount_kind, "value": sale.discount_value} if sale.discount_kind else None,
        "subtotal": priced.subtotal,
        "discount": priced.discount_total,
        "sale_discount": priced.sale_discount,
        "taxes": [
            {"group": t.group, "rate_bp": t.rate_bp, "gross": t.gross, "base": t.base, "tax": t.tax}
            for t in priced.taxes
        ],
        "tax": priced.tax_total,
        "total": priced.total,
        "rounding": st.rounding,
        "due": st.due,
        "tenders": [{"id": t.id, "type": t.type, "amount": t.amount, "reference": mask(t.reference)} for t in tenders],
        "paid": st.paid,
        "remaining": st.remaining,
        "change": st.change,
    }


def load_sale(session: Session, key: str) -> Sale:
    sale = session.scalar(_SALE, {"key": key})
    if sale is None:
        raise NotFound("unknown_sale", f"sale {key} not found")
    return sale


def get_sale(ctx: StoreContext, key: str) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        sale = load_sale(s, key)
        return sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id))


def open_sale_of_till(ctx: StoreContext, till_id: str) -> dict[str, Any] | None:
    """The sale now open on a till (for a display that joins mid-sale), or None."""
    with ctx.db.sessions() as s:
        sale = s.scalar(select(Sale).where(Sale.till_id == till_id, Sale.state == "open"))
        return sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id)) if sale else None
