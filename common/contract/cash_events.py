"""Cash moved in or out of a till's drawer during a shift (a drop to the safe, a store expense, more change): the
reasons a move may give, declared here once (the till's rules in pos.domain.cash_moves and central's checks read
them), and the event a store writes with each move."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from .wire import Amount, Id, Wire

Direction = Literal["in", "out"]

# A reason's code -> the way it moves cash. The till offers them in this order (keys 1, 2, 3, ...); "other_out"
# and "other_in" need the cashier's own words. A new reason changes what central accepts: add it here.
CASH_REASONS: Final[dict[str, Direction]] = {
    "safe_drop": "out",
    "store_expense": "out",
    "more_change": "in",
    "other_out": "out",
    "other_in": "in",
}
CASH_NOTE_MAX: Final = 120  # the cashier's words on a move, at most


class CashMoved(Wire):
    """cash.moved version 1: one move of a till's open shift, under the id the till made for it. A move out names
    the manager who approved it (central refuses one that names none); `moved_at` is the store's clock (UTC)."""

    move_id: Id
    till_id: str = Field(min_length=1, max_length=16)
    shift_id: Id
    direction: Direction
    reason: str = Field(min_length=1, max_length=16)
    amount: Amount
    note: str = Field("", max_length=CASH_NOTE_MAX)
    staff_id: Id
    approved_by: Id | None = None
    moved_at: str = Field(min_length=1, max_length=40)


class CashMovedV2(CashMoved):
    """cash.moved version 2: version 1 with who, as head office reads it (central keeps no staff list): the
    cashier's and the approving manager's names."""

    staff_name: str = Field("", max_length=120)
    approver_name: str = Field("", max_length=120)
