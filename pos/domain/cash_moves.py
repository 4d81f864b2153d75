"""Cash taken out of the till's drawer (a drop to the safe, a store expense) or put in (more change) during a
shift: the reasons a cashier picks from, which way each moves the cash, and what is refused before anything is
written."""

from __future__ import annotations

from dataclasses import dataclass

from common.contract.cash_events import CASH_NOTE_MAX, CASH_REASONS, Direction
from common.errors import Conflict, DomainError
from common.limits import MAX_AMOUNT
from common.money import group_thousands

from .amounts import too_large

# The reasons and which way each moves cash are the wire contract's (central checks a move's reason against the
# same list); the till offers them in their order (keys 1, 2, 3, ...).
REASONS: dict[str, Direction] = CASH_REASONS
NEEDS_NOTE = frozenset({"other_out", "other_in"})
NOTE_MAX = CASH_NOTE_MAX


@dataclass(frozen=True)
class CashMoveAsked:
    """One pay-out or pay-in as the cashier asked for it, checked (`check`) before a manager is asked."""

    reason: str
    amount: int
    note: str = ""

    @property
    def direction(self) -> Direction:
        return REASONS[self.reason]

    @property
    def needs_approval(self) -> bool:
        """Cash leaving the drawer needs a manager's code and PIN; cash put in does not."""
        return self.direction == "out"

    def check(self) -> None:
        if self.reason not in REASONS:
            raise DomainError(
                "unknown_cash_reason", f"the reason is one of {', '.join(REASONS)}", reasons=", ".join(REASONS)
            )
        if self.amount <= 0:
            raise DomainError("cash_amount_not_positive", "the amount must be more than Rp 0 (whole Rupiah)")
        if self.amount > MAX_AMOUNT:
            raise too_large("a cash movement")
        if self.reason in NEEDS_NOTE and not self.note.strip():
            raise DomainError("cash_note_required", "say what the cash is for (a few words)")
        if len(self.note) > NOTE_MAX:
            raise DomainError("cash_note_too_long", f"the note is at most {NOTE_MAX} characters", max=NOTE_MAX)

    def check_drawer(self, expected: int) -> None:
        """A pay-out or drop takes at most what the drawer is expected to hold now."""
        if self.direction == "out" and self.amount > expected:
            raise Conflict(
                "drawer_short",
                f"the drawer should hold only Rp {group_thousands(max(expected, 0))}: "
                f"Rp {group_thousands(self.amount)} cannot be taken out",
                max=max(expected, 0),
                amount=self.amount,
            )
