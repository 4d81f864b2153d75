"""The durable print queue: one row per thing the printer must do, printed in `seq` order by one worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp, uuid_pk

JOB_KINDS = ("sale", "refund", "reprint", "drawer", "ticket", "cash")
JOB_STATES = ("queued", "printing", "printed", "failed", "cancelled")


class PrintJob(Base):
    """Written in the same transaction as the sale or refund it prints, so a committed sale always has one."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_state_seq", "state", "seq"),)
    id: Mapped[str] = uuid_pk()
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # queue order (a counter, never a clock)
    kind: Mapped[str] = mapped_column(String(8))  # sale | refund | reprint | drawer | ticket (kiosk) | cash (slip)
    # The sale or refund printed, and its receipt number: not indexed, as no query looks a job up by them.
    ref_id: Mapped[str | None] = mapped_column(String(36))
    number: Mapped[str | None] = mapped_column(String(48))
    till_id: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)  # the receipt model as JSON (pos.domain.receipt.to_dict)
    state: Mapped[str] = mapped_column(String(10), default="queued")  # queued|printing|printed|failed|cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = timestamp()
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = timestamp()
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)


class PrinterLease(Base):
    """Which store-server process prints: one at a time (two would print the queue out of order, and a second
    one starting would put the first one's job in hand back in the queue). Renewed while that process runs."""

    __tablename__ = "printer_lease"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)  # "printer"
    owner: Mapped[str] = mapped_column(String(80))  # host:pid:random of the process
    until: Mapped[datetime] = mapped_column(DateTime)
