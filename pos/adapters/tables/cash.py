"""Cash moved in or out of a till's drawer during a shift (a drop to the safe, a store expense, more change)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, timestamp, uuid_pk


class CashMove(Base):
    """One pay-out or pay-in, with the UUID the till made for it (a retry with the same id records it once)."""

    __tablename__ = "cash_moves"
    id: Mapped[str] = uuid_pk()
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.id"), index=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    reason: Mapped[str] = mapped_column(String(16))  # pos.domain.cash_moves.REASONS
    note: Mapped[str | None] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(BigInteger)  # whole Rupiah, > 0
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff.id"))  # the cashier at the till
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("staff.id"))  # the manager (cash out)
    created_at: Mapped[datetime] = timestamp()
