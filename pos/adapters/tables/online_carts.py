"""Online carts at this store: the synced copy of carts reserved here (for opening them offline), and each time
a kiosk or till opened a cart (its claim token, whether central confirmed it, the ticket and sale it went to)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp, uuid_pk


class OnlineCartCopy(Base):
    """The central store's cart as the pull feed last sent it (only carts reserved at this store)."""

    __tablename__ = "online_carts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # central's cart id
    code: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[str] = mapped_column(String(12))  # open | checked_out | gone (moved to another store)
    lines: Mapped[str] = mapped_column(Text, default="[]")  # [{"sku", "name", "qty", "unit_price", "promo", "net"}]
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    pickup_store: Mapped[str | None] = mapped_column(String(32))
    reserved_until: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    synced_at: Mapped[datetime] = timestamp()


class OnlineCartOpen(Base):
    """One opening of a cart here: opened -> sent (kiosk ticket) -> in_sale -> checked_out, or superseded."""

    __tablename__ = "online_cart_opens"
    id: Mapped[str] = uuid_pk()
    cart_id: Mapped[str] = mapped_column(String(36), index=True)
    code: Mapped[str] = mapped_column(String(8))
    confirmed: Mapped[bool] = mapped_column(Boolean)  # False: central did not answer; opened from the synced copy
    fence: Mapped[int | None] = mapped_column(Integer)  # the claim's fencing token (None when not confirmed)
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    device_id: Mapped[str] = mapped_column(String(32))
    lines: Mapped[str] = mapped_column(Text)  # the cart's lines as the online shop priced them when opened
    state: Mapped[str] = mapped_column(String(12), default="opened")
    kiosk_cart_id: Mapped[str | None] = mapped_column(String(36), index=True)
    sale_id: Mapped[str | None] = mapped_column(String(36), index=True)
    opened_at: Mapped[datetime] = timestamp()
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime)
