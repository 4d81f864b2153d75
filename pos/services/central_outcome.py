"""What central said about a sale being completed, handed from `complete()` to the after-sale steps.

`complete()` asks central first, with no transaction open (see central_steps.py), then opens the sale's write
transaction and keeps the answers in that session's `info`, where the steps that record them read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from common.db import Tx

_KEY = "omnitoko.central_steps"


@dataclass
class CentralSteps:
    sale_id: str
    captured: set[str] = field(default_factory=set)  # hold ids central captured for this sale
    unreachable: set[str] = field(default_factory=set)  # hold ids central could not be asked about
    cart_recorded: bool | None = None  # the online cart's checkout: recorded now, not asked (offline), no cart


def remember(s: Session | Tx, steps: CentralSteps) -> None:
    """Keep the answers in the transaction's info (a `Tx` hands its info to the session the steps get)."""
    s.info[_KEY] = steps


def taken(s: Session, sale_id: str) -> CentralSteps:
    """The answers for `sale_id` (none yet when nothing was asked in this transaction)."""
    steps = s.info.get(_KEY)
    return steps if isinstance(steps, CentralSteps) and steps.sale_id == sale_id else CentralSteps(sale_id)
