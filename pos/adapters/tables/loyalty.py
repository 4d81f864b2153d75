"""Loyalty at the store: members as central sent them (with a balance copy), the member on a sale, local points
entries waiting for central, points redeemed as a tender, offline allowances, and central's loyalty settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp


class LoyaltyMember(Base):
    """A member as central last told us (pull feed or a live lookup); the newest `version` wins."""

    __tablename__ = "loyalty_members"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)  # central's balance at `version`
    held: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=0)
    card: Mapped[str] = mapped_column(Text, default="")  # a member QR central signed, printed on receipts
    updated_at: Mapped[datetime] = timestamp()


class LoyaltySetting(Base):
    """Central's loyalty settings (shop id, card public key, earn rule, point value), key -> value."""

    __tablename__ = "loyalty_settings"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SaleMember(Base):
    """The member attached to a sale (by QR or phone)."""

    __tablename__ = "sale_members"
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    via: Mapped[str] = mapped_column(String(8))  # qr | phone
    attached_at: Mapped[datetime] = timestamp()
    # The balance printed on the receipt when the sale completed (None before migration 0022, or not completed)
    points_balance: Mapped[int | None] = mapped_column(BigInteger)


class LoyaltyEntry(Base):
    """A points entry this store made (earn, redeem, reverse); pending until its outbox event is acknowledged."""

    __tablename__ = "loyalty_entries"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the entry's id at central too
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    points: Mapped[int] = mapped_column(BigInteger)  # signed
    sale_id: Mapped[str | None] = mapped_column(String(36), index=True)
    refund_id: Mapped[str | None] = mapped_column(String(36))
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = timestamp()


class LoyaltyRedemption(Base):
    """Points taken as a tender: a hold at central (online) or against the offline allowance."""

    __tablename__ = "loyalty_redemptions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the redeem entry's id at central
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    tender_id: Mapped[str] = mapped_column(String(36), index=True)  # no FK: the till may remove the tender
    member_id: Mapped[str] = mapped_column(String(36))
    points: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[int] = mapped_column(BigInteger)
    mode: Mapped[str] = mapped_column(String(8))  # online | offline
    hold_id: Mapped[str | None] = mapped_column(String(36))
    allowance_id: Mapped[str | None] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(10), default="held")  # held | used | released
    event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = timestamp()


class LoyaltyAllowance(Base):
    """What central lets this store redeem for a member while offline (its `used` as central last said)."""

    __tablename__ = "loyalty_allowances"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), unique=True)
    points: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
