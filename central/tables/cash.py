"""Cash the stores' tills moved in and out of their drawers during shifts (cash.moved), one row per move."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import CentralBase, timestamp


class CashMoveRecord(CentralBase):
    """One move under the id the till made for it: the store that sent it owns it (another store's id is refused)."""

    __tablename__ = "cash_moves"
    __table_args__ = (Index("ix_cash_moves_store_moved", "store_id", "moved_at"),)  # the admin page: a store's days
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    store_id: Mapped[str] = mapped_column(String(32))
    till_id: Mapped[str] = mapped_column(String(16))
    shift_id: Mapped[str] = mapped_column(String(36), index=True)  # the Z of the shift is checked against its moves
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    reason: Mapped[str] = mapped_column(String(16))  # common.contract.cash_events.CASH_REASONS
    amount: Mapped[int] = mapped_column(BigInteger)  # whole Rupiah, > 0
    note: Mapped[str | None] = mapped_column(String(120))
    staff_id: Mapped[str] = mapped_column(String(36))  # the cashier
    approved_by: Mapped[str | None] = mapped_column(String(36))  # the manager (every move out names one)
    staff_name: Mapped[str | None] = mapped_column(String(120))  # their names as the store sent them
    approver_name: Mapped[str | None] = mapped_column(String(120))
    moved_at: Mapped[datetime] = mapped_column(DateTime)  # the store's clock (UTC)
    event_id: Mapped[str] = mapped_column(String(36))
    recorded_at: Mapped[datetime] = timestamp()
