"""Facts the stores sent: sales with lines and tenders, refunds, shifts. Store UUIDs are the keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp

_APPROVED = "discount_approved_by IS NOT NULL"


class Sale(CentralBase):
    __tablename__ = "sales"
    # head office's list of the sales whose cashier discounts a manager approved (central.services.sale_approvals)
    __table_args__ = (
        Index("ix_sales_approved_at", "completed_at", postgresql_where=text(_APPROVED), sqlite_where=text(_APPROVED)),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    number: Mapped[str] = mapped_column(String(48), index=True)
    till_id: Mapped[str] = mapped_column(String(16))
    shift_id: Mapped[str | None] = mapped_column(String(36))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    discount_approved_by: Mapped[str | None] = mapped_column(String(36))  # v5: the manager who approved its discounts
    member_id: Mapped[str | None] = mapped_column(String(36))  # the member on the sale: what loyalty events must name
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # the store's clock (UTC)
    timezone: Mapped[str | None] = mapped_column(String(64))  # the store's zone (sale.completed v2); None from v1
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    rounding: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    change: Mapped[int] = mapped_column(BigInteger)
    event_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[datetime] = timestamp()


class SaleLine(CentralBase):
    __tablename__ = "sale_lines"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120))
    qty: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    line_discount: Mapped[int] = mapped_column(BigInteger)
    sale_discount: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    tax_group: Mapped[str] = mapped_column(String(16))
    measure: Mapped[str] = mapped_column(String(8), default="unit", server_default="unit")  # weight: qty in grams


class Tender(CentralBase):
    __tablename__ = "tenders"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    type: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int] = mapped_column(BigInteger)


class Refund(CentralBase):
    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    number: Mapped[str] = mapped_column(String(48))
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    till_id: Mapped[str] = mapped_column(String(16))
    tender_type: Mapped[str] = mapped_column(String(12))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    # As the till said them (None: recorded before central kept them, or not said): the cashier, the approving
    # manager (staff ids: central has no staff list) and the shift (central.services.refund_staff).
    staff_id: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    shift_id: Mapped[str | None] = mapped_column(String(36))


class RefundLine(CentralBase):
    __tablename__ = "refund_lines"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    refund_id: Mapped[str] = mapped_column(ForeignKey("refunds.id"), index=True)
    sale_line_id: Mapped[str] = mapped_column(String(36))
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)


class ShiftRecord(CentralBase):
    __tablename__ = "shifts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    till_id: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8))  # open | closed
    opening_float: Mapped[int] = mapped_column(BigInteger)
    expected_cash: Mapped[int | None] = mapped_column(BigInteger)
    counted_cash: Mapped[int | None] = mapped_column(BigInteger)
    variance: Mapped[int | None] = mapped_column(BigInteger)
    report_json: Mapped[str | None] = mapped_column(Text)
