"""Loyalty at central: members, the points ledger (balance = sum), two-phase holds, offline allowances.

`Member.balance` and `Member.held` are kept in step with the ledger and the holds in the same transaction:
they are what a conditional UPDATE checks (`balance - held >= points`), so two stores can never hold the same
points, on PostgreSQL (row lock) and SQLite (one writer) alike. The ledger stays the record: balance = sum.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk

# The admin's member search matches part of each of these, lower-cased (loyalty_admin._search): trigram indexes on
# PostgreSQL (migration 0024; skipped, with a warning, where pg_trgm cannot be created), none on SQLite.
SEARCHED = ("name", "email", "phone", "number")


class Member(CentralBase):
    __tablename__ = "members"
    id: Mapped[str] = uuid_pk()
    number: Mapped[str] = mapped_column(String(16), unique=True)  # printed on cards, said at the till
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # normalised: 62..., digits only
    email: Mapped[str | None] = mapped_column(String(120))
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)  # sum of the ledger; negative = debt
    held: Mapped[int] = mapped_column(BigInteger, default=0)  # points in holds not yet posted or released
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumped on every change: stores keep the newest
    signed_up_at: Mapped[str] = mapped_column(String(32), default="online")  # online | store id | kiosk
    created_at: Mapped[datetime] = timestamp()


for _col in SEARCHED:
    Index(
        f"ix_members_{_col}_trgm",
        func.lower(getattr(Member, _col)).label(_col),
        postgresql_using="gin",
        postgresql_ops={_col: "gin_trgm_ops"},
    )


class PointsEntry(CentralBase):
    """One ledger entry; its id is the fact's UUID (from the store for earn and reverse), so a repeat is refused."""

    __tablename__ = "points_entries"
    id: Mapped[str] = uuid_pk()
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # earn | redeem | reverse | expire | adjust
    points: Mapped[int] = mapped_column(BigInteger)  # signed
    store_id: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[str | None] = mapped_column(String(48), index=True)  # sale, refund or hold id
    event_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = timestamp()


class PointsHold(CentralBase):
    """Points set aside for a redemption at a store: held, then posted with the sale or released."""

    __tablename__ = "points_holds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the store's id: a retried request is the same hold
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    points: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10), default="held")  # held | posted | released | expired
    sale_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime)  # by central's clock
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class OfflineAllowance(CentralBase):
    """Points a store may let a member redeem while it cannot reach central: the most the member can overspend."""

    __tablename__ = "offline_allowances"
    __table_args__ = (UniqueConstraint("member_id", "store_id"),)
    id: Mapped[str] = uuid_pk()
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    store_id: Mapped[str] = mapped_column(String(32), index=True)
    points: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(BigInteger, default=0)  # redeemed offline against it, as central has heard
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    granted_at: Mapped[datetime] = timestamp()


class SpendCode(CentralBase):
    """A one-time code a member makes on their own account page: with it a store may hold their points once,
    within minutes (issue 15, point 6). Only its hash is kept; a few wrong tries for the member burn it."""

    __tablename__ = "member_spend_codes"
    id: Mapped[str] = uuid_pk()
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    tries: Mapped[int] = mapped_column(Integer, default=0)  # wrong codes typed for this member while it lived
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    hold_id: Mapped[str | None] = mapped_column(String(36))  # the hold it paid for


class MemberStore(CentralBase):
    """A member who shopped or signed up at a store: that store's feed carries the member's balance."""

    __tablename__ = "member_stores"
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    linked_at: Mapped[datetime] = timestamp()
