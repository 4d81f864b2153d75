"""Stock transfers between stores: central's own ledger of what left one store for another and what arrived."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp


class Transfer(CentralBase):
    """requested -> declined, or (requested ->) sent -> received. In transit while sent."""

    __tablename__ = "transfers"
    __table_args__ = (Index("ix_transfers_status", "status"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the store's id for it, for life
    from_store: Mapped[str] = mapped_column(String(32), index=True)
    to_store: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(String(200))
    requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = timestamp()


class TransferLine(CentralBase):
    __tablename__ = "transfer_lines"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transfer_id: Mapped[str] = mapped_column(String(36), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    requested: Mapped[int | None] = mapped_column(BigInteger)
    sent: Mapped[int | None] = mapped_column(BigInteger)
    received: Mapped[int | None] = mapped_column(BigInteger)
