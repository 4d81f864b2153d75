"""What the sales report sums per product and category, net of refunds: each sale line of a sale completed in the
range, less each refund line paid out in the range (a refund counts on the day it was paid, as the summary's Neto
takes it off), so the category and product tables add up to the summary's Neto. Also each refund of the range with
the value of its goods, which is what the report's Neto takes off (a refund paid partly back as points still gives
back goods worth its lines)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from common.measure import WEIGHT
from pos.adapters.tables import Product, Refund, RefundLine, Sale, SaleLine
from pos.adapters.tables.sales import ITEM_OF_LINE


class Back(NamedTuple):
    """One refund paid out in the range."""

    at: datetime
    staff_id: str
    value: int  # the goods given back (its lines): what the report's Neto takes off
    tax: int  # PPN inside `value`
    tender: str
    amount: int  # paid back in `tender` (cash: rounded as the drawer pays)
    rounding: int

    @property
    def as_points(self) -> int:
        """The part of the goods' value given back as member points (it was paid with points)."""
        return self.value - (self.amount - self.rounding)


def _moves(in_range: Any, lo: datetime, hi: datetime) -> Any:
    """Sold (+) and returned (-) rows per sale line: sku, name, measure, sold, returned, n_items, net."""
    sold = select(
        SaleLine.sku,
        SaleLine.name,
        SaleLine.measure,
        SaleLine.qty.label("sold"),
        literal(0).label("returned"),
        ITEM_OF_LINE.label("n_items"),
        SaleLine.net.label("net"),
    ).where(SaleLine.sale_id.in_(in_range))
    # A weighed line given back (in full or in part) is an item back, as it was one item sold.
    back = (
        select(
            SaleLine.sku,
            SaleLine.name,
            SaleLine.measure,
            literal(0),
            RefundLine.qty,
            -case((SaleLine.measure == WEIGHT, 1), else_=RefundLine.qty),
            -RefundLine.amount,
        )
        .select_from(RefundLine)
        .join(SaleLine, and_(SaleLine.sale_id == RefundLine.sale_id, SaleLine.id == RefundLine.sale_line_id))
        .join(Refund, Refund.id == RefundLine.refund_id)
        .where(Refund.created_at >= lo, Refund.created_at < hi)
    )
    return union_all(sold, back).subquery()


def by_category(s: Session, in_range: Any, lo: datetime, hi: datetime) -> list[Any]:
    """(category, items net of returns, net Rupiah net of refunds) per category."""
    m = _moves(in_range, lo, hi)
    return list(
        s.execute(
            select(Product.category, func.sum(m.c.n_items), func.sum(m.c.net))
            .select_from(m)
            .outerjoin(Product, Product.sku == m.c.sku)
            .group_by(Product.category)
        ).all()
    )


def top_products(s: Session, in_range: Any, lo: datetime, hi: datetime, top: int) -> list[Any]:
    """(sku, name, sold, returned, net Rupiah, measure) of the best sellers by net Rupiah after refunds."""
    m = _moves(in_range, lo, hi)
    net, kept = func.sum(m.c.net), func.sum(m.c.sold) - func.sum(m.c.returned)
    stmt: Select[Any] = (
        select(m.c.sku, func.max(m.c.name), func.sum(m.c.sold), func.sum(m.c.returned), net, func.max(m.c.measure))
        .group_by(m.c.sku)
        .order_by(net.desc(), kept.desc(), m.c.sku)
        .limit(max(1, top))
    )
    return list(s.execute(stmt).all())


def refunds_paid(s: Session, lo: datetime, hi: datetime) -> list[tuple[Refund, str, Back]]:
    """Each refund paid out in the range with its sale's number and what it gave back."""
    value = (
        select(func.coalesce(func.sum(RefundLine.amount), 0)).where(RefundLine.refund_id == Refund.id).scalar_subquery()
    )
    rows = s.execute(
        select(Refund, Sale.number, value)
        .join(Sale, Sale.id == Refund.sale_id)
        .where(Refund.created_at >= lo, Refund.created_at < hi)
        .order_by(Refund.created_at)
    ).all()
    return [
        (r, number, Back(r.created_at, r.staff_id, int(v), r.tax_total, r.tender_type, r.amount, r.rounding))
        for r, number, v in rows
    ]
