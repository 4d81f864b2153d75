"""Stock transfers with other stores: the ones this store made (requests, goods sent) and the ones central told it
of (requests to answer, goods coming); and the chain's stores it can transfer with (from the pull feed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp


class Transfer(Base):
    """requested -> declined, or (requested ->) sent -> received; the same id at both stores and central."""

    __tablename__ = "transfers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    from_store: Mapped[str] = mapped_column(String(32))
    from_name: Mapped[str] = mapped_column(String(80), default="")
    to_store: Mapped[str] = mapped_column(String(32))
    to_name: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(12), index=True)
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    staff_id: Mapped[str | None] = mapped_column(String(36))  # who made the last step here


class TransferLine(Base):
    __tablename__ = "transfer_lines"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    transfer_id: Mapped[str] = mapped_column(String(36), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(120), default="")
    requested: Mapped[int | None] = mapped_column(BigInteger)
    sent: Mapped[int | None] = mapped_column(BigInteger)
    received: Mapped[int | None] = mapped_column(BigInteger)


class KnownStore(Base):
    """Another store of the chain, as central's feed announced it."""

    __tablename__ = "known_stores"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
