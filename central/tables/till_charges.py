"""Dynamic QRIS at the stores' tills: one row per charge a store asked for (its id made by the store, so a retry is
the same charge), and each refund of one sent to the gateway (its id made by the store: sent once, recorded once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp


class TillCharge(CentralBase):
    """asking -> pending -> settlement -> partial_refund -> refund; or expire | cancel | failure (rank only grows)."""

    __tablename__ = "till_charges"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the store's charge id
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    sale_id: Mapped[str] = mapped_column(String(36), index=True)  # the store's open sale
    till_id: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str] = mapped_column(String(50), unique=True)  # the gateway's order id: "TQ-<charge id hex>"
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="asking")
    rank: Mapped[int] = mapped_column(Integer, default=0)
    qr_string: Mapped[str | None] = mapped_column(Text)  # the EMVCo payload the shopper scans (public)
    transaction_id: Mapped[str | None] = mapped_column(String(64))  # the gateway's reference
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)  # the last status check with the gateway
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()


class TillChargeRefund(CentralBase):
    __tablename__ = "till_charge_refunds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the store's refund id (also the gateway's key)
    charge_id: Mapped[str] = mapped_column(ForeignKey("till_charges.id"), index=True)
    store_id: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200), default="")
    reference: Mapped[str] = mapped_column(String(64), default="")  # the gateway's id for the refund
    created_at: Mapped[datetime] = timestamp()
