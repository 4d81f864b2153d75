"""Dynamic QRIS charges this store asked the central store for (issue 17): the id is made here before central is
asked, so a retry (or a restart) asks for the same charge; the tender is recorded once the gateway confirmed it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp


class QrisCharge(Base):
    """asking -> pending -> settlement (tender taken) | expire | cancel | failure | offline (central unreachable)."""

    __tablename__ = "qris_charges"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    till_id: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="asking")
    qr_string: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(String(64))  # the gateway's reference, once central says
    tender_id: Mapped[str | None] = mapped_column(String(36))  # the sale's tender, once paid
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
