"""Online orders fulfilled by a store (pickup or delivery) and the refunds their short picks and cancellations owe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk


class OnlineOrder(CentralBase):
    """unpaid -> assigned -> picked -> packed -> collected | shipped; or cancelled (refunded), or void (unpaid).

    One per payment. `store_id` fulfils it; its stock is held there from payment until hand-over.
    """

    __tablename__ = "online_orders"
    id: Mapped[str] = uuid_pk()
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id"), unique=True)
    cart_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[str] = mapped_column(String(50))  # the gateway order id the shopper sees: "OT-K7Q42P-1"
    mode: Mapped[str] = mapped_column(String(8))  # pickup | delivery
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(12), default="unpaid")
    code: Mapped[str] = mapped_column(String(8), unique=True)  # the hand-over code (its QR: "OO1.<code>")
    customer: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    delivery_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    lines: Mapped[str] = mapped_column(Text, default="[]")  # ordered, then as picked (JSON)
    courier: Mapped[str] = mapped_column(String(40), default="")
    tracking: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class OrderRefund(CentralBase):
    """Money an order owes the shopper (a short pick, a cancellation): due until the gateway took it (sent).

    Its id is the refund key sent to the gateway, so a retry after a crash is the same refund, never a second."""

    __tablename__ = "order_refunds"
    id: Mapped[str] = uuid_pk()
    order_id: Mapped[str] = mapped_column(ForeignKey("online_orders.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(8), default="due")  # due | sent | failed
    event_id: Mapped[str | None] = mapped_column(String(36))  # the store's event that asked for it
    gateway_ref: Mapped[str | None] = mapped_column(String(64))  # the gateway's transaction id when sent
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = timestamp()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
