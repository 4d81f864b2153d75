"""The stock ledger per location (each store, the online shop's warehouse) and its running levels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp


class Location(CentralBase):
    __tablename__ = "locations"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # a store id, or ONLINE
    name: Mapped[str] = mapped_column(String(80), default="")
    kind: Mapped[str] = mapped_column(String(8), default="store")  # store | online


class StockEntry(CentralBase):
    """One movement; a store's movement keeps the store's id, so it is in the ledger once."""

    __tablename__ = "stock_entries"
    __table_args__ = (Index("ix_stock_entries_location_sku", "location", "sku"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    location: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # opening | sale | return | receipt | adjustment | count | transfer_out | transfer_in
    ref_id: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(36))
    recorded_at: Mapped[datetime] = timestamp()


class StockLevel(CentralBase):
    """On hand = the sum of the location's entries, kept in step inside the same transaction."""

    __tablename__ = "stock_levels"
    location: Mapped[str] = mapped_column(String(32), primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Changed since last put in the change feed: published once per push batch, not once per sale.
    feed_pending: Mapped[bool] = mapped_column(Boolean, default=True)
