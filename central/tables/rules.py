"""The points earn rule, owned by central, kept as a history by effective time (a late sale is checked by its own)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp, uuid_pk


class LoyaltyRule(CentralBase):
    """From `effective_from` (the sale's time) on, 1 point per `earn_per_amount` paid; 1 point pays `point_value`."""

    __tablename__ = "loyalty_rules"
    id: Mapped[str] = uuid_pk()
    effective_from: Mapped[datetime] = mapped_column(DateTime, unique=True)
    earn_per_amount: Mapped[int] = mapped_column(BigInteger)
    point_value: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = timestamp()
