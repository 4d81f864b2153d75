"""What a store claims in its sales that central checks once they are recorded (a sale is a fact, money was taken:
never refused for these, a task for head office instead): the promotion behind a line discount (promotion_checks)
and that central had it when the sale was made (promotion_dates), each line's unit price (price_checks) and the
cashier's own discounts (manual_discount_checks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from common.contract.sale_events import SaleCompleted

from . import manual_discount_checks, price_checks, promotion_checks, promotion_dates, sale_tasks
from .context import CentralContext

if TYPE_CHECKING:
    from .envelope import Event


def raise_tasks(
    s: Session,
    ctx: CentralContext,
    sales: list[tuple[Event, SaleCompleted]],
    unchecked: Iterable[tuple[Event, SaleCompleted]] = (),
) -> None:
    """The tasks about these just-recorded sales (`unchecked`: older-version sales whose promotions cannot be
    checked, sale_versions.note); each raised once however often its sale is applied (sale_tasks)."""
    promotions = promotion_checks.findings(s, sales) + promotion_checks.unchecked_findings(unchecked)
    dated = promotion_dates.findings(s, ctx, sales, promotions)  # the same tasks (kind, ids), in their own words
    prices = price_checks.findings(s, sales)
    discounts = manual_discount_checks.findings(s, ctx, sales)
    for check, found in ((promotion_checks, promotions), (price_checks, prices), (manual_discount_checks, discounts)):
        sale_tasks.raise_tasks(s, ctx, check.KIND, check.TASKS, found, check.message)
    sale_tasks.raise_tasks(s, ctx, promotion_checks.KIND, promotion_checks.TASKS, dated, promotion_dates.message)
