"""Issue 15: idempotency keys of the store API's paying writes, kiosks paired with this store, and failed
sign-ins per staff code and per address (the till, approvals and the manager screens)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.throttle_table import ThrottleColumns

from .base import Base, timestamp, uuid_pk


class IdempotencyKey(Base):
    """One Idempotency-Key of one till and staff member: the request it was first used for and its answer."""

    __tablename__ = "idempotency_keys"
    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # "<till>|<staff id>"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    state: Mapped[str] = mapped_column(String(8), default="pending")  # pending | done
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = timestamp()


class KioskDevice(Base):
    """A kiosk paired by a manager; only the hash of its device token is kept."""

    __tablename__ = "kiosk_devices"
    id: Mapped[str] = uuid_pk()
    name: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    paired_at: Mapped[datetime] = timestamp()
    paired_by: Mapped[str] = mapped_column(String(36))  # the manager who made the pairing code
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class KioskPairingCode(Base):
    """A short-lived code a manager shows on the manager page and types (once) into a kiosk."""

    __tablename__ = "kiosk_pairing_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class SignInThrottle(ThrottleColumns, Base):
    __tablename__ = "sign_in_throttle"
