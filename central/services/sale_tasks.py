"""The reconciliation tasks central raises about what a store claims in its sales (promotion discounts, unit prices,
the cashier's own discounts): the sale is a fact, money was taken, so it is recorded all the same, and head office
gets a task naming the store, receipt, line and figures. Head office's alone (not on the store's feed: it asks head
office to look into the store's own sale). A task's id is its sale line's (or sale's) within its kind, so a sale
applied again (a re-push, two workers at once) raises each task once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from central.tables import ReconciliationItem
from common.contract.sale_events import SaleCompleted, SaleLine

from .context import CentralContext
from .statements import insert_ignoring

if TYPE_CHECKING:
    from .envelope import Event


def measure_of(line: SaleLine) -> str:
    return getattr(line, "measure", None) or "unit"  # version 3 lines say it; earlier ones are all units


def line_figures(ev: Event, p: SaleCompleted, n: int, l: SaleLine) -> dict[str, Any]:
    """The sale line a task is about, and the discount it claims."""
    return {
        "store_id": ev.store_id,
        "sale_id": p.sale_id,
        "number": p.number,
        "line": n,
        "line_id": l.id,
        "sku": l.sku,
        "name": l.name,
        "qty": l.qty,
        "measure": measure_of(l),
        "unit_price": l.unit_price,
        "claimed": l.line_discount,
    }


@cache
def _insert_task(dialect: str) -> Any:
    return insert_ignoring(dialect, ReconciliationItem.__table__, "id")


def raise_tasks(
    s: Session,
    ctx: CentralContext,
    kind: str,
    namespace: uuid.UUID,
    found: list[dict[str, Any]],
    message: Callable[[dict[str, Any]], str],
) -> None:
    """A task of `kind` for each finding (its figures as `detail`, central's English words as `message`), its id
    the finding's sale line (`line_id`) in `namespace`: raised once however often its sale is applied."""
    if not found:
        return
    now = ctx.clock()
    rows = [
        {
            "id": str(uuid.uuid5(namespace, f"{f['store_id']}/{f['sale_id']}/{f['line_id']}")),
            "kind": kind,
            "location": f["store_id"],
            "sku": f["sku"],
            "on_hand": None,
            "occurrences": 1,
            "ref_id": f["sale_id"],
            "message": message(f),
            "detail": json.dumps(f, ensure_ascii=False, sort_keys=True),
            "raised_at": now,
            "updated_at": now,
            "resolved_at": None,
        }
        for f in found
    ]
    conn = s.connection()
    conn.execute(_insert_task(conn.dialect.name), rows)
