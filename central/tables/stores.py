"""Stores and their tokens, admin users, and the central store's own identity (epoch, feed clock)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from common.throttle_table import ThrottleColumns

from .base import CentralBase, timestamp, uuid_pk


class CentralMeta(CentralBase):
    """One row. `epoch` changes when the database is restored; `feed_seq` numbers the change feed.

    Only the feed's sequencer writes feed_seq (the head), in the same transaction that numbers changes.
    """

    __tablename__ = "central_meta"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(36))
    feed_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = timestamp()
    epoch_changed_at: Mapped[datetime] = timestamp()


class Store(CentralBase):
    __tablename__ = "stores"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The highest store_seq processed (applied or dead-lettered) with every lower one processed too.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_push_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_pull_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_device: Mapped[str | None] = mapped_column(String(32))
    # Whose stock figures this store gets in its feed: a comma list of store ids, or NULL for the first
    # [feed] neighbours stores of its region (by id). Anything else it asks for on demand.
    region: Mapped[str | None] = mapped_column(String(40))
    neighbours: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp()
    # What the store's agent reported with its last sync call (X-Omnitoko-Status), for head office (issue 19).
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_version: Mapped[str | None] = mapped_column(String(32))
    reported_outbox_depth: Mapped[int | None] = mapped_column(BigInteger)
    reported_outbox_oldest_seconds: Mapped[int | None] = mapped_column(BigInteger)
    reported_dead_letters: Mapped[int | None] = mapped_column(BigInteger)
    reported_printer: Mapped[str | None] = mapped_column(String(16))  # ok | warn | error | none
    reported_printer_waiting: Mapped[int | None] = mapped_column(BigInteger)
    reported_round_seconds: Mapped[float | None] = mapped_column(Float)
    reported_cursor: Mapped[int | None] = mapped_column(BigInteger)
    clock_skew_seconds: Mapped[float | None] = mapped_column(Float)  # the store's clock minus central's
    # The store's own clock (IANA name), as its latest sale.completed (v2 on) names it: head office counts the
    # store's days by it. NULL until a sale names one: its days are then the shop's ([shop] timezone).
    timezone: Mapped[str | None] = mapped_column(String(64))
    # The store_seq of the first sale.completed version 4 (lines name their promotion) central accepted from this
    # store; NULL until one. An older-version sale after it with a line discount is one whose promotion central
    # cannot check: a task for head office (central.services.sale_versions).
    first_v4_sale_seq: Mapped[int | None] = mapped_column(BigInteger)
    first_v5_sale_seq: Mapped[int | None] = mapped_column(BigInteger)  # sale_versions: discounts' approver named


class AdminUser(CentralBase):
    __tablename__ = "admin_users"
    id: Mapped[str] = uuid_pk()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp()
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # False: no sign-in, no session


class AdminSession(CentralBase):
    """A signed-in admin; the cookie holds only the token. Deleting the row ends the session everywhere."""

    __tablename__ = "admin_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_id: Mapped[str] = mapped_column(ForeignKey("admin_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)


class SignInThrottle(ThrottleColumns, CentralBase):
    """Failed admin sign-ins per username and per address."""

    __tablename__ = "sign_in_throttle"
