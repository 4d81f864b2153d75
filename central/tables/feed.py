"""The change feed stores pull from: the latest state per (topic, key), numbered by a global seq."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp


class Change(CentralBase):
    """Compacted: a key changed again moves to a new seq with its new data, so a late puller gets it once."""

    __tablename__ = "changes"
    topic: Mapped[str] = mapped_column(String(24), primary_key=True)  # product | tax_group | category | promotion | stock
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    skip_store: Mapped[str | None] = mapped_column(String(32))  # not sent to this store (its own stock figures)
    only_store: Mapped[str | None] = mapped_column(String(32))  # sent to this store only (its dead letters, tasks)
    data: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = timestamp()
