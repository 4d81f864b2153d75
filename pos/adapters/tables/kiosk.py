"""Carts a shopper built at the kiosk and sent to a till, as a ticket with a short code (K-12)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp, uuid_pk


class KioskCart(Base):
    """A snapshot of the kiosk cart; a till takes it once (state sent -> taken) into its open sale."""

    __tablename__ = "kiosk_carts"
    # The short code counts per store-local day, so "K-12" is unique only together with its day.
    __table_args__ = (
        UniqueConstraint("day", "seq", name="uq_kiosk_carts_day_seq"),
        Index("ix_kiosk_carts_code_state", "code", "state"),
    )
    id: Mapped[str] = uuid_pk()
    day: Mapped[str] = mapped_column(String(10))  # store-local date, YYYY-MM-DD
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(12))  # "K-12"
    device_id: Mapped[str] = mapped_column(String(32), default="kiosk")
    state: Mapped[str] = mapped_column(String(8), default="sent")  # sent | taken
    # [{"sku", "name", "qty", "unit_price"}] at the prices shown on the kiosk when it was sent.
    lines: Mapped[str] = mapped_column(Text)
    items: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    taken_till: Mapped[str | None] = mapped_column(String(16))
    taken_staff: Mapped[str | None] = mapped_column(String(36))
    sale_id: Mapped[str | None] = mapped_column(String(36))
