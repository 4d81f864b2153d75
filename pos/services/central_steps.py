"""The central store's part of completing a sale, asked with no database transaction open.

`complete()` opens its write transaction, checks the sale, and asks `pending()` what central must say first. If
anything, it rolls back (nothing written yet), calls `take()` with no transaction open, and starts again with
the answers (central_outcome.CentralSteps), which the after-sale steps record in the sale's short transaction.
A slow central so never holds the store's write lock while the other tills wait on it.

Order of the calls: points holds are captured first (a captured hold that is not used is released by the
outbox like any other), the online cart is checked out last (it cannot be taken back), so a refusal of either
stops the sale before the cart is marked paid. Crash recovery for each is in its module's docstring
(loyalty_capture.py, online_cart_sales.py): both are retried under the same id by completing the sale again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from common.db import Tx
from pos.adapters.central_carts import carts_client_for
from pos.adapters.sale_rows import SaleRec
from pos.adapters.tables import receipt_counter
from pos.domain.shifts import receipt_number

from .central_outcome import CentralSteps
from .context import StoreContext
from .loyalty_capture import PendingHold, capture_at_central, pending_holds
from .online_cart_sales import PendingCheckout, check_out_at_central, pending_checkout
from .records import counter_value


@dataclass
class Pending:
    holds: list[PendingHold] = field(default_factory=list)
    cart: PendingCheckout | None = None

    def __bool__(self) -> bool:
        return bool(self.holds) or self.cart is not None


class AskCentralFirst(Exception):
    """Raised inside the completing transaction (before it writes) to roll it back and ask central first."""

    def __init__(self, pending: Pending) -> None:
        super().__init__("central must be asked before the sale is recorded")
        self.pending = pending


def pending(tx: Tx, ctx: StoreContext, sale: SaleRec, view: dict[str, Any], steps: CentralSteps) -> Pending:
    """What central has not been asked yet about this sale (checked and priced in `view`); the transaction's ORM
    session is made only when there is something to look up (a points payment, an online cart)."""
    in_use = {t["id"] for t in view["tenders"] if t["type"] == "points"}
    out = Pending(holds=pending_holds(tx.session, sale.id, in_use, steps) if in_use else [])
    if steps.cart_recorded is None and carts_client_for(ctx.config) is not None:  # else nobody to ask
        s = tx.session
        out.cart = pending_checkout(s, ctx, view, lambda: _next_number(s, ctx, sale.till_id), ctx.clock().isoformat())
    return out


def _next_number(s: Session, ctx: StoreContext, till_id: str) -> str:
    """The number this sale will get: the till's next (a till has one open sale, and this is it)."""
    return receipt_number(ctx.store_id, till_id, counter_value(s, receipt_counter(till_id)) + 1)


def take(ctx: StoreContext, asked: Pending, steps: CentralSteps) -> None:
    """Ask central (no transaction may be open here); its answers go into `steps`, a refusal is raised."""
    capture_at_central(ctx, asked.holds, steps)
    if asked.cart is not None:
        steps.cart_recorded = check_out_at_central(ctx, asked.cart)
