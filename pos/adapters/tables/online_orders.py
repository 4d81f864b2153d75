"""Paid online orders this store fulfils, as the pull feed sent them, and how far this store got with each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp


class OnlineOrderCopy(Base):
    """assigned -> picked -> packed -> collected | shipped, or cancelled; a step here only moves forward.

    `lines` holds the order's lines and this store's pick of them (scanned, substitute); `code_hash` checks the
    shopper's code offline (the store never holds the code itself)."""

    __tablename__ = "online_orders"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # central's order id
    number: Mapped[str] = mapped_column(String(50), index=True)
    mode: Mapped[str] = mapped_column(String(8))  # pickup | delivery
    status: Mapped[str] = mapped_column(String(12))
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    lines: Mapped[str] = mapped_column(Text, default="[]")
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    delivery_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    customer: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    courier: Mapped[str] = mapped_column(String(40), default="")
    tracking: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=0)  # bumped by every local step (compare-and-set)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = timestamp()
    done_by: Mapped[str | None] = mapped_column(String(32))  # the till or screen that handed it over or shipped it
