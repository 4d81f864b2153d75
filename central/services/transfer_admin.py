"""The admin's view of transfers: what is in transit between stores, and the open differences (received other
than sent) with both stores' names."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from central.tables import Location, Product, ReconciliationItem, Transfer, TransferLine

from .context import CentralContext
from .transfers import DIFFERENCE

LIMIT = 500


def overview(ctx: CentralContext) -> dict[str, list[dict[str, Any]]]:
    with ctx.db.sessions() as s:
        moving = list(
            s.scalars(select(Transfer).where(Transfer.status == "sent").order_by(Transfer.sent_at).limit(LIMIT))
        )
        open_ids = list(
            s.scalars(
                select(ReconciliationItem.ref_id)
                .where(ReconciliationItem.kind == DIFFERENCE, ReconciliationItem.resolved_at.is_(None))
                .distinct()
                .limit(LIMIT)
            )
        )
        differing = list(s.scalars(select(Transfer).where(Transfer.id.in_(open_ids)).order_by(Transfer.received_at)))
        lines: dict[str, list[TransferLine]] = defaultdict(list)
        ids = [t.id for t in moving + differing]
        for l in s.scalars(select(TransferLine).where(TransferLine.transfer_id.in_(ids)).order_by(TransferLine.sku)):
            lines[l.transfer_id].append(l)
        # People read store and product names: both looked up once for the page.
        stores = {c: n or c for c, n in s.execute(select(Location.code, Location.name)).all()}
        skus = {l.sku for mine in lines.values() for l in mine}
        products = {
            r.sku: r for r in s.execute(select(Product.sku, Product.name, Product.measure).where(Product.sku.in_(skus)))
        }

    def row(t: Transfer) -> dict[str, Any]:
        mine = lines[t.id]
        return {
            "id": t.id,
            "short": t.id[:8].upper(),
            "from_store": t.from_store,
            "from_name": stores.get(t.from_store, t.from_store),
            "to_store": t.to_store,
            "to_name": stores.get(t.to_store, t.to_store),
            "sent_at": t.sent_at,
            "received_at": t.received_at,
            "units": sum(l.sent or 0 for l in mine),
            "lines": [
                {
                    "sku": l.sku,
                    "name": products[l.sku].name if l.sku in products else l.sku,
                    "measure": products[l.sku].measure if l.sku in products else "unit",  # a weighed one's grams
                    "sent": l.sent or 0,
                    "received": l.received,
                }
                for l in mine
                if l.sent or l.received
            ],
        }

    return {"in_transit": [row(t) for t in moving], "differences": [row(t) for t in differing]}
