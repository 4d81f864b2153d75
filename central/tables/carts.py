"""Online carts: the cart and its lines, the one order a cart becomes, and stock reserved for click-and-collect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk


class OnlineCart(CentralBase):
    """open -> claimed (a store's lease, fenced) -> checked_out; released or lapsed leases go back to open.

    `fence` grows on every claim: a till holding an older number has lost the cart, whatever its clock says.
    Times are the central store's clock; a lease is live while `lease_expires_at` is in the future.
    """

    __tablename__ = "online_carts"
    id: Mapped[str] = uuid_pk()
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "K7Q-42P"
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | claimed | checked_out
    fence: Mapped[int] = mapped_column(Integer, default=0)
    claim_store: Mapped[str | None] = mapped_column(String(32))
    claim_device: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    pickup_store: Mapped[str | None] = mapped_column(String(32))  # click-and-collect: where stock is reserved
    reserved_until: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = timestamp()
    updated_at: Mapped[datetime] = timestamp()
    expires_at: Mapped[datetime] = mapped_column(DateTime)  # an untouched cart cannot be opened after this
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime)


class OnlineCartLine(CentralBase):
    __tablename__ = "online_cart_lines"
    __table_args__ = (UniqueConstraint("cart_id", "sku"),)
    id: Mapped[str] = uuid_pk()
    cart_id: Mapped[str] = mapped_column(ForeignKey("online_carts.id"))
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(BigInteger)
    price_added: Mapped[int] = mapped_column(BigInteger)  # the unit price when it went into the cart
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = timestamp()


class CartOrder(CentralBase):
    """What a checked-out cart became. UNIQUE cart_id: one order per cart, whoever races for it."""

    __tablename__ = "cart_orders"
    id: Mapped[str] = uuid_pk()
    cart_id: Mapped[str] = mapped_column(ForeignKey("online_carts.id"), unique=True)
    checkout_id: Mapped[str] = mapped_column(String(64), unique=True)  # the store's sale id, or the shop's
    channel: Mapped[str] = mapped_column(String(8))  # store | online
    store_id: Mapped[str | None] = mapped_column(String(32))
    device_id: Mapped[str | None] = mapped_column(String(32))
    sale_id: Mapped[str | None] = mapped_column(String(36))
    number: Mapped[str | None] = mapped_column(String(48))
    total: Mapped[int] = mapped_column(BigInteger)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)  # False: opened offline from a synced copy
    note: Mapped[str] = mapped_column(Text, default="")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)  # the store's clock (UTC): display only
    created_at: Mapped[datetime] = timestamp()


class CartReservation(CentralBase):
    """Stock set aside at a store for a click-and-collect cart until `expires_at`; held, released or converted."""

    __tablename__ = "cart_reservations"
    __table_args__ = (Index("ix_cart_reservations_location_sku", "location", "sku"),)
    id: Mapped[str] = uuid_pk()
    cart_id: Mapped[str] = mapped_column(ForeignKey("online_carts.id"), index=True)
    location: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str] = mapped_column(String(32))
    qty: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10), default="held")  # held | released | converted
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = timestamp()
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sale_id: Mapped[str | None] = mapped_column(String(36))  # converted: the sale it turned into
