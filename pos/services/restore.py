"""After a backup is put back: continue after what the central store has seen, and re-learn its stock moves.

The restored database numbers its next event after the backup's last one, and each till its next receipt after
the backup's last. The central store may hold later events of this store (synced after the backup was taken):
reusing their store_seq would be refused (`seq_taken`) and reusing their receipt numbers would print two
receipts with one number. So the counters move past central's high-water marks, and the stock those later sales
and refunds moved is recorded again here (without an outbox event: central has them already), as are the cash
moves among them (restore_cash), the sales themselves (restore_sales) and the refunds (restore_refunds), both
without their stock: the movement above is the one path their stock comes back by. Last, a shift central holds
closed after the backup is closed here with its Z (restore_shifts), so the till opens a new one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from common.tables import new_seq_id
from pos.adapters.tables import StockMovement, SyncStatus, Till, receipt_counter

from . import restore_cash, restore_refunds, restore_sales, restore_shifts
from .context import StoreContext
from .records import audit, counter_value, set_counter

RESTORE_REASON = "restored: at central"


def continue_after_central(ctx: StoreContext, central: dict[str, Any] | None, backup_file: str) -> dict[str, Any]:
    """Move the store_seq counter and each till's receipt sequence past central's; returns what changed."""
    central = central or {}
    with ctx.db.unit_of_work() as s:
        local_seq = counter_value(s, "store_seq")
        target = max(local_seq, int(central.get("store_seq") or 0))
        set_counter(s, "store_seq", target)
        tills: dict[str, tuple[int, int]] = {}
        known = set(s.scalars(select(Till.id)))
        tills_of_store = known | set(ctx.config.store.tills)  # before central's answer names any
        for till_id, seen in dict(central.get("receipt_seq") or {}).items():
            if till_id not in known:
                s.add(Till(id=till_id, name=till_id))
            before = counter_value(s, receipt_counter(till_id))
            if int(seen) > before:
                set_counter(s, receipt_counter(till_id), int(seen))
                tills[till_id] = (before, int(seen))
        # The lease in the copy belongs to the agent that ran when it was taken (stopped now): free it.
        s.execute(update(SyncStatus).values(lease_owner=None, lease_until=None))
        moved = dict(central.get("stock_after") or {})
        for sku, qty in sorted(moved.items()):
            s.add(
                StockMovement(
                    id=new_seq_id(),
                    sku=sku,
                    qty=int(qty),
                    kind="adjustment",
                    reason=RESTORE_REASON,
                    created_at=ctx.clock(),
                )
            )
        cash, cash_refused = restore_cash.relearn(s, ctx.store_id, central.get("cash_moves_after") or [])
        sales = restore_sales.relearn(
            s, ctx, central.get("sales_completed_after") or [], tills_of_store, central.get("sales_completed_next")
        )
        back = restore_refunds.relearn(
            s,
            ctx,
            central.get("refunds_completed_after") or [],
            tills_of_store,
            sales.shifts,
            central.get("refunds_completed_more"),
        )
        restore_refunds.floor(s, central.get("refunded_lines") or [], back.refused)
        closed = restore_shifts.relearn(  # last: the shift's cash moves, sales and refunds are back on it
            s,
            ctx.store_id,
            central.get("shifts_closed_after") or [],
            tills_of_store,
            sales.shifts,
            central.get("shifts_closed_more"),
        )
        detail = {
            "backup": backup_file,
            "store_seq": [local_seq, target],
            "tills": {k: list(v) for k, v in tills.items()},
            "stock_skus": len(moved),
            "central_events_after": central.get("events_after", {}),
            "cash_moves": [m["id"] for m in cash],
            "cash_moves_refused": cash_refused,
            "sales": len(sales.sales),
            "sales_refused": sales.refused[:100],
            "shifts_closed_at_central": sorted(sales.shifts),
            "refunds": [r["number"] for r in back.refunds][:1000],
            "refunds_refused": back.refused[:100],
            "shifts_closed": [c["shift_id"] for c in closed.shifts],
            "shifts_refused": closed.refused[:100],
        }
        audit(s, ctx, "db_restored", detail=detail)
    return {
        "store_seq_before": local_seq,
        "store_seq": target,
        "tills": tills,
        "stock_skus": len(moved),
        "cash_moves": cash,
        "cash_refused": cash_refused,
        "sales": sales.sales,
        "sales_refused": sales.refused,
        "shifts_closed_at_central": sorted(sales.shifts),
        "refunds": back.refunds,
        "refunds_refused": back.refused,
        "shifts_closed": closed.shifts,
        "shifts_refused": closed.refused,
    }
