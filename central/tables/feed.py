"""The change feed stores pull from: the latest state per (topic, key), numbered by a global seq."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp


class Change(CentralBase):
    """Compacted: a key changed again moves to a new seq with its new data, so a late puller gets it once.

    `seq` is NULL while the change waits for the sequencer (central/services/feed.py says why and how).
    """

    __tablename__ = "changes"
    __table_args__ = (
        Index(
            "ix_changes_pending", "changed_at", postgresql_where=text("seq IS NULL"), sqlite_where=text("seq IS NULL")
        ),
        Index("ix_changes_scope_seq", "scope", "seq"),
    )
    topic: Mapped[str] = mapped_column(
        String(24), primary_key=True
    )  # product | tax_group | category | promotion | stock
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    skip_store: Mapped[str | None] = mapped_column(String(32))  # not sent to this store (its own stock figures)
    only_store: Mapped[str | None] = mapped_column(String(32))  # sent to this store only (its dead letters, tasks)
    # Who may get it: NULL = every store (catalog, prices); a location code = the stores that have that location
    # among their neighbours (its stock figures), and the store of that code itself (its own tasks).
    scope: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = timestamp()
