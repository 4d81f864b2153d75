"""Online payments through the gateway: one row per gateway transaction, every notification received (its digest
unique forever: a replay is known), and every refund (its key unique: sent once, recorded once)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk


class Payment(CentralBase):
    """created -> pending -> settlement | capture -> partial_refund -> refund; or expire | cancel | deny.

    `rank` only grows (services/payment_status.py): a notification that would move it back changes nothing.
    """

    __tablename__ = "payments"
    id: Mapped[str] = uuid_pk()
    order_id: Mapped[str] = mapped_column(String(50), unique=True)  # the gateway's order id: "OT-K7Q42P-1"
    cart_id: Mapped[str] = mapped_column(ForeignKey("online_carts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="IDR")
    status: Mapped[str] = mapped_column(String(16), default="created")
    rank: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[str | None] = mapped_column(String(64))  # Snap token (public: it is in the shopper's URL)
    redirect_url: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(String(64))  # the gateway's reference
    payment_type: Mapped[str | None] = mapped_column(String(32))  # qris, gopay, bank_transfer, credit_card ...
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    sale_id: Mapped[str | None] = mapped_column(String(36))  # the sale at the central store once settled
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"))  # the card the order earns points on
    lines: Mapped[str] = mapped_column(Text, default="[]")  # the priced lines when payment began (JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
    settled_at: Mapped[datetime | None] = mapped_column(DateTime)


class PaymentNotification(CentralBase):
    """A notification as received, whatever became of it: applied, ignored, replay, forged, mismatch."""

    __tablename__ = "payment_notifications"
    id: Mapped[str] = uuid_pk()
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the canonical body
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    payment_id: Mapped[str | None] = mapped_column(String(36))
    transaction_status: Mapped[str] = mapped_column(String(32))
    gross_amount: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str] = mapped_column(String(12))
    message: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = timestamp()


class PaymentRefund(CentralBase):
    __tablename__ = "payment_refunds"
    id: Mapped[str] = uuid_pk()
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), index=True)
    refund_key: Mapped[str] = mapped_column(String(64), unique=True)  # ours, or the gateway's refund id
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200), default="")
    refund_fact_id: Mapped[str | None] = mapped_column(String(36))  # the `refunds` row against the online sale
    created_at: Mapped[datetime] = timestamp()
