"""Staff, tills, shifts, the stock ledger, the outbox, counters and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.tables import new_seq_id

from .base import Base, timestamp, uuid_pk


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[str] = uuid_pk()
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))  # cashier | manager
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(default=True)


class StaffToken(Base):
    __tablename__ = "staff_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"), index=True)
    till_id: Mapped[str | None] = mapped_column(ForeignKey("tills.id"))  # None: a manager-screens session
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)  # for the idle timeout; None = created_at


class Till(Base):
    __tablename__ = "tills"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), default="")
    # Its receipt sequence is the counter `receipt_counter(id)` (below), beside `store_seq`: a completion bumps both.


class Shift(Base):
    __tablename__ = "shifts"
    id: Mapped[str] = uuid_pk()
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), index=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))
    state: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    opening_float: Mapped[int] = mapped_column(BigInteger)
    opened_at: Mapped[datetime] = timestamp()
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))
    expected_cash: Mapped[int | None] = mapped_column(BigInteger)
    counted_cash: Mapped[int | None] = mapped_column(BigInteger)
    report_json: Mapped[str | None] = mapped_column(Text)


class StockMovement(Base):
    __tablename__ = "stock_movements"
    __table_args__ = (Index("ix_stock_movements_sku", "sku"),)
    # Keyed by SQLite's rowid (`seq`, the ledger's order of writing): a movement written goes into no B-tree but the
    # table's own and the SKU index, so a sale's completion writes fewer WAL pages (store migration 0020). Its
    # UUID `id` (time-ordered, from every writer) names it everywhere else; nothing looks a movement up by it, so it
    # has no index of its own.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), default=new_seq_id)
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # opening | sale | return | receipt | adjustment | count
    reason: Mapped[str | None] = mapped_column(String(64))
    ref_id: Mapped[str | None] = mapped_column(String(36))
    staff_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = timestamp()


class OutboxEvent(Base):
    """An event for the central store, written in the same transaction as the fact it tells."""

    __tablename__ = "outbox"
    # Unsent events in order (the agent's poll) and the newest ack; acked_at alone is this index's prefix.
    __table_args__ = (Index("ix_outbox_unsent", "acked_at", "store_seq"),)
    # Keyed by the gap-free store_seq (SQLite's rowid: no index of its own); the event id is unique beside it.
    store_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    store_id: Mapped[str] = mapped_column(String(32))
    device_id: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(48))
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[str] = mapped_column(Text)
    payload_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = timestamp()
    acked_at: Mapped[datetime | None] = mapped_column(DateTime)


class Counter(Base):
    """Gap-free sequences, bumped inside the transaction that uses the number: `store_seq`, `print_seq`, and each
    till's receipt sequence (`receipt_counter`)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(48), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


RECEIPT_COUNTER = "receipt_seq:"  # + the till's id


def receipt_counter(till_id: str) -> str:
    """The counter of a till's receipt numbers (beside `store_seq` in the counters table: one page for both)."""
    return RECEIPT_COUNTER + till_id


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[str] = uuid_pk()
    at: Mapped[datetime] = timestamp()
    action: Mapped[str] = mapped_column(String(32), index=True)
    till_id: Mapped[str | None] = mapped_column(String(16))
    requested_by: Mapped[str | None] = mapped_column(String(36))
    approved_by: Mapped[str | None] = mapped_column(String(36))
    ref_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text, default="{}")
