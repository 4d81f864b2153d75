"""The sync agent's tables in the store database: its status (cursor, epoch, lease) and the dead letters central returned."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class SyncStatus(Base):
    """One row (id 1), written by the agent and read by the till's sync badge and the manager's sync page."""

    __tablename__ = "sync_status"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str | None] = mapped_column(String(36))  # central's epoch when we last spoke to it
    cursor: Mapped[int] = mapped_column(Integer, default=0)  # the pull cursor, saved with each applied page
    central_seq: Mapped[int] = mapped_column(Integer, default=0)  # central's high-water store_seq for us
    # The lease: one agent at a time per store, taken and renewed with a guarded UPDATE.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_round_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime)
    queue_depth: Mapped[int] = mapped_column(Integer, default=0)
    oldest_unsent_at: Mapped[datetime | None] = mapped_column(DateTime)
    dead_letters: Mapped[int] = mapped_column(Integer, default=0)
    pushed_total: Mapped[int] = mapped_column(Integer, default=0)
    pulled_total: Mapped[int] = mapped_column(Integer, default=0)
    # The store's clock minus central's, as central measured it on the last pull, and central's warning bound.
    clock_skew_seconds: Mapped[float | None] = mapped_column(Float)
    clock_skew_bound_seconds: Mapped[int | None] = mapped_column(Integer)
    clock_checked_at: Mapped[datetime | None] = mapped_column(DateTime)


class DeadLetterSeen(Base):
    """An event central refused (dead-lettered at central) or answered with a conflict; it left the queue."""

    __tablename__ = "dead_letters"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(48))
    status: Mapped[int] = mapped_column(Integer)  # 422 rejected, 409 conflict
    code: Mapped[str] = mapped_column(String(48))
    reason: Mapped[str] = mapped_column(Text)
    seen_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolution: Mapped[str | None] = mapped_column(String(16))  # retried | discarded (at central)


class Promotion(Base):
    """A promotion as central sent it: percent (basis points), amount off, or a multi-buy on the listed SKUs."""

    __tablename__ = "promotions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))  # percent | amount | bundle | free (common.promotions)
    value: Mapped[int] = mapped_column(BigInteger)  # a multi-buy's set price (bundle) or items free of a set (free)
    set_qty: Mapped[int | None] = mapped_column(Integer)  # a multi-buy's set size; NULL for percent and amount
    mixed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # its products may be mixed in a set (topic v3)
    skus: Mapped[str] = mapped_column(Text, default="[]")
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
