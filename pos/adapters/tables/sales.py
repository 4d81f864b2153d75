"""Sales, their lines and tenders; refunds and their lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    case,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, new_id, timestamp, uuid_pk


class Sale(Base):
    __tablename__ = "sales"
    __table_args__ = (
        Index("ix_sales_till_state", "till_id", "state"),
        # Unique among numbered (completed) sales; an open sale has none and is not in the index (migration 0017).
        Index("uq_sales_number", "number", unique=True, sqlite_where=text("number IS NOT NULL")),
    )
    id: Mapped[str] = uuid_pk()
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    state: Mapped[str] = mapped_column(String(12), default="open")  # open | parked | completed | voided
    number: Mapped[str | None] = mapped_column(String(48))
    discount_kind: Mapped[str | None] = mapped_column(String(8))
    discount_value: Mapped[int | None] = mapped_column(BigInteger)
    # The manager who approved a discount over the limit on this sale; None = the sale must stay within it.
    discount_approved_by: Mapped[str | None] = mapped_column(String(36))
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)
    discount_total: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    rounding: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    change: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = timestamp()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)


class SaleLine(Base):
    __tablename__ = "sale_lines"
    # A sale's lines together in one B-tree keyed by (sale_id, id), found by the sale's key with no index of their
    # own (migrations 0017, 0019): a scan writes one B-tree page.
    __table_args__ = (PrimaryKeyConstraint("sale_id", "id"), {"sqlite_with_rowid": False})
    id: Mapped[str] = mapped_column(String(36), default=new_id)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"))
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(32))
    barcode: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    qty: Mapped[int] = mapped_column(BigInteger)
    tax_group: Mapped[str] = mapped_column(String(16))
    tax_rate_bp: Mapped[int] = mapped_column(Integer)
    discount_kind: Mapped[str | None] = mapped_column(String(8))
    discount_value: Mapped[int | None] = mapped_column(BigInteger)
    promotion_id: Mapped[str | None] = mapped_column(String(36))  # the line's discount is this central promotion
    line_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    sale_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    net: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_qty: Mapped[int] = mapped_column(BigInteger, default=0)
    # common.measure: unit | weight (qty and refunded_qty in grams, unit_price per kg) | label (the label's price)
    measure: Mapped[str] = mapped_column(String(8), default="unit", server_default="unit")


# Items in the lines summed, as the till, the receipt and the reports count them: a weighed line is one item whatever
# it weighs (its qty is grams).
ITEM_OF_LINE = case((SaleLine.measure == "weight", 1), else_=SaleLine.qty)  # a weighed line is one item
ITEMS_IN_LINES = func.sum(ITEM_OF_LINE)


class TenderRow(Base):
    __tablename__ = "tenders"
    __table_args__ = (PrimaryKeyConstraint("sale_id", "id"), {"sqlite_with_rowid": False})  # as sale_lines
    id: Mapped[str] = mapped_column(String(36), default=new_id)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"))
    type: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = timestamp()


class Refund(Base):
    __tablename__ = "refunds"
    id: Mapped[str] = uuid_pk()
    number: Mapped[str] = mapped_column(String(48), unique=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    approved_by: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    tender_type: Mapped[str] = mapped_column(String(12), default="cash")
    amount: Mapped[int] = mapped_column(BigInteger)  # given back in `tender_type` (cash: rounded, as the drawer pays)
    rounding: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")  # cash rounding in `amount`
    reference: Mapped[str | None] = mapped_column(String(64))  # the gateway's id of a refund sent back by QRIS
    tax_total: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = timestamp()


class RefundLine(Base):
    __tablename__ = "refund_lines"
    # The sale line given back, by the sale lines' key (migration 0019).
    __table_args__ = (ForeignKeyConstraint(["sale_id", "sale_line_id"], ["sale_lines.sale_id", "sale_lines.id"]),)
    id: Mapped[str] = uuid_pk()
    refund_id: Mapped[str] = mapped_column(ForeignKey("refunds.id"), index=True)
    sale_line_id: Mapped[str] = mapped_column(String(36))
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    sale_id: Mapped[str] = mapped_column(String(36))
