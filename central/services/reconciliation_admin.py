"""Head office's view of the open reconciliation tasks (stock sold below zero, a transfer's difference, an online
cart paid twice, a discount beyond its promotion): each with its store's and product's names, for the admin to read
in their own language."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from central.tables import Location, Product, ReconciliationItem, Sale

from .context import CentralContext

LIMIT = 200


def open_items(ctx: CentralContext, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The open tasks, newest first, with the names and figures a sentence about each needs."""
    with ctx.db.sessions() as s:
        items = list(
            s.scalars(
                select(ReconciliationItem)
                .where(ReconciliationItem.resolved_at.is_(None))
                .order_by(ReconciliationItem.updated_at.desc(), ReconciliationItem.id)
                .limit(limit)
            )
        )
        stores = {c: n or c for c, n in s.execute(select(Location.code, Location.name)).all()}
        skus = {i.sku for i in items if i.sku}
        products = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_(skus)))}
        refs = {i.ref_id for i in items if i.ref_id}
        numbers = dict(s.execute(select(Sale.id, Sale.number).where(Sale.id.in_(refs))).all())
        return [
            {
                "id": i.id,
                "kind": i.kind,
                "store_id": i.location,
                "store_name": stores.get(i.location, i.location),
                "sku": i.sku,
                "name": products[i.sku].name if i.sku in products else i.sku,
                "measure": products[i.sku].measure if i.sku in products else "unit",
                "on_hand": i.on_hand,
                "occurrences": i.occurrences,
                "transfer": (i.ref_id or "")[:8].upper(),
                "sale_number": numbers.get(i.ref_id or ""),
                "message": i.message,
                "detail": json.loads(i.detail) if i.detail else None,  # the figures of its sentence, when it has some
                "raised_at": i.raised_at,
                "updated_at": i.updated_at,
            }
            for i in items
        ]
