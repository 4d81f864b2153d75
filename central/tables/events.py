"""What the sync API has processed: applied events (unique forever), dead letters, alerts, reconciliation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk


class AppliedEvent(CentralBase):
    """Every processed event, by its id: the UNIQUE key that makes a repeat return its first result."""

    __tablename__ = "applied_events"
    __table_args__ = (UniqueConstraint("store_id", "store_seq"),)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32))
    store_seq: Mapped[int] = mapped_column(BigInteger)
    device_id: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(48))
    schema_version: Mapped[int] = mapped_column(Integer)
    payload_hash: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(12))  # applied | rejected
    code: Mapped[str | None] = mapped_column(String(48))
    message: Mapped[str | None] = mapped_column(Text)
    applied_at: Mapped[datetime] = timestamp()


class DeadLetter(CentralBase):
    """An event a business rule refused, kept whole with its reason so it can be retried after a fix."""

    __tablename__ = "dead_letters"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    store_seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(48))
    schema_version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(String(16))  # retried | discarded


class Alert(CentralBase):
    """Something an operator must look at: an event id reused with a different payload, say."""

    __tablename__ = "alerts"
    id: Mapped[str] = uuid_pk()
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str | None] = mapped_column(String(36))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp()


class ReconciliationItem(CentralBase):
    """A task for a person: stock at a location went below zero (sold offline), say. One open item per key.

    Head office marks it done with a note (central/services/reconciliation_resolve.py), or opens it again: the last
    resolution and the last reopening are kept on the row (who, when, what they wrote)."""

    __tablename__ = "reconciliation_items"
    id: Mapped[str] = uuid_pk()
    kind: Mapped[str] = mapped_column(String(32))  # below_zero | ...
    location: Mapped[str] = mapped_column(String(32), index=True)
    sku: Mapped[str | None] = mapped_column(String(32))
    on_hand: Mapped[int | None] = mapped_column(BigInteger)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    ref_id: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text, default="")
    # The figures the admin's sentence about the task needs, as JSON (a promotion discount's sale line, say)
    detail: Mapped[str | None] = mapped_column(Text)
    raised_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)  # the resolved list, newest first
    resolved_by: Mapped[str | None] = mapped_column(String(64))  # the admin's user name
    resolution_note: Mapped[str | None] = mapped_column(String(500))  # what was done: "stok dihitung ulang"
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(64))
    reopen_note: Mapped[str | None] = mapped_column(String(500))  # why it is open again
