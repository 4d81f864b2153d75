"""Back-office stock: counts and their lines, low-stock thresholds, and what central tells us about stock elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp, uuid_pk


class StockCount(Base):
    """A stock count of the whole store or one category: open while counting, then posted or cancelled."""

    __tablename__ = "stock_counts"
    id: Mapped[str] = uuid_pk()
    number: Mapped[int] = mapped_column(Integer, unique=True)  # human number, from the "stock_count" counter
    scope: Mapped[str] = mapped_column(String(16))  # store | category
    category: Mapped[str | None] = mapped_column(ForeignKey("categories.code"))
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open | posted | cancelled
    started_at: Mapped[datetime] = timestamp()
    started_by: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str] = mapped_column(String(200), default="")


class StockCountLine(Base):
    """One product's counted quantity, with the ledger's on hand at the moment it was counted.

    Posting adds counted - on_hand_at_count, so sales rung up between counting and posting stay in the ledger.
    """

    __tablename__ = "stock_count_lines"
    __table_args__ = (UniqueConstraint("count_id", "sku"),)
    id: Mapped[str] = uuid_pk()
    count_id: Mapped[str] = mapped_column(ForeignKey("stock_counts.id"), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    counted: Mapped[int] = mapped_column(BigInteger)
    on_hand_at_count: Mapped[int] = mapped_column(BigInteger)
    counted_at: Mapped[datetime] = timestamp()
    counted_by: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    movement_id: Mapped[str | None] = mapped_column(String(36))  # the ledger row the posting wrote, if any


class LowStockThreshold(Base):
    """At or below `min_qty` on hand, a product is on the low-stock list."""

    __tablename__ = "low_stock_thresholds"
    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    min_qty: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = timestamp()
    updated_by: Mapped[str | None] = mapped_column(String(36))


class RemoteStock(Base):
    """Stock of one product at another store or online, as the central store last reported it (sync agent fills)."""

    __tablename__ = "remote_stock"
    sku: Mapped[str] = mapped_column(String(32), primary_key=True)
    location: Mapped[str] = mapped_column(String(32), primary_key=True)  # a store id, or "online"
    location_name: Mapped[str] = mapped_column(String(80), default="")
    qty: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[datetime] = timestamp()  # when central computed the figure


class ReconciliationItem(Base):
    """A task raised by the central store for this store (stock sold below zero, a cart conflict); sync agent fills.

    Head office resolves it with a note, or opens it again with one: the last of each, as central sent them
    (reconciliation topic version 2; none from an older central)."""

    __tablename__ = "reconciliation_items"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # central's id, so a re-pull does not duplicate
    kind: Mapped[str] = mapped_column(String(32))  # below_zero | cart_conflict | ...
    sku: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")
    raised_at: Mapped[datetime] = timestamp()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # the manager's "Selesai" list
    resolved_by: Mapped[str | None] = mapped_column(String(64))  # the head office admin's user name
    resolution_note: Mapped[str | None] = mapped_column(String(500))  # what was done: "stok dihitung ulang"
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(64))
    reopen_note: Mapped[str | None] = mapped_column(String(500))  # why it is open again
