"""Head office's view of the reconciliation tasks (stock sold below zero, a transfer's difference, an online cart
paid twice, a discount beyond its promotion): the open ones and the resolved ones (who, when, what they did), each
with its store's and product's names, for the admin to read in their own language."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from central.tables import Location, Product, ReconciliationItem, Sale

from .context import CentralContext
from .reconciliation_resolve import COUNTED

LIMIT = 200


def open_items(ctx: CentralContext, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The open tasks, newest first, with the names and figures a sentence about each needs; a counted kind's task
    raised again after a resolution names that resolution (`before`)."""
    newest_first = (ReconciliationItem.updated_at.desc(), ReconciliationItem.id)
    return _listed(ctx, ReconciliationItem.resolved_at.is_(None), newest_first, limit)


def resolved_items(ctx: CentralContext, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The resolved tasks, the latest resolved first, with who resolved each, when and their note."""
    newest_first = (ReconciliationItem.resolved_at.desc(), ReconciliationItem.id)
    return _listed(ctx, ReconciliationItem.resolved_at.isnot(None), newest_first, limit)


def listed(ctx: CentralContext, view: str) -> list[dict[str, Any]]:
    """The tasks of a view of them: "resolved", else the open ones."""
    return resolved_items(ctx) if view == "resolved" else open_items(ctx)


def _listed(ctx: CentralContext, where: Any, order: tuple[Any, ...], limit: int) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        items = list(s.scalars(select(ReconciliationItem).where(where).order_by(*order).limit(limit)))
        stores = {c: n or c for c, n in s.execute(select(Location.code, Location.name)).all()}
        skus = {i.sku for i in items if i.sku}
        products = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_(skus)))}
        refs = {i.ref_id for i in items if i.ref_id}
        numbers = dict(s.execute(select(Sale.id, Sale.number).where(Sale.id.in_(refs))).all())
        before = _resolved_before(s, [i for i in items if i.resolved_at is None])
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
                "status": _status(i, before.get(i.id)),
                "resolved_at": i.resolved_at,
                "resolved_by": i.resolved_by,
                "note": i.resolution_note,
                "reopened_at": i.reopened_at,
                "reopened_by": i.reopened_by,
                "reopen_note": i.reopen_note,
                "before": before.get(i.id),
            }
            for i in items
        ]


def _status(i: ReconciliationItem, before: dict[str, Any] | None) -> str:
    """resolved; reopened (by an admin); recurred (raised again after a resolution of the same problem); or open."""
    if i.resolved_at is not None:
        return "resolved"
    return "reopened" if i.reopened_at else ("recurred" if before else "open")


def _resolved_before(s: Session, items: list[ReconciliationItem]) -> dict[str, dict[str, Any]]:
    """For each open task of a counted kind: the latest resolution of the same kind, store and product made before it
    was raised (it happened again after that), by task id."""
    counted = [i for i in items if i.kind in COUNTED and i.sku]
    if not counted:
        return {}
    keys = {(i.kind, i.location, i.sku) for i in counted}
    t = ReconciliationItem
    earlier: dict[tuple[str, str, str | None], list[Any]] = {}
    for row in s.execute(
        select(t.kind, t.location, t.sku, t.resolved_at, t.resolved_by, t.resolution_note)
        .where(t.resolved_at.isnot(None), tuple_(t.kind, t.location, t.sku).in_(sorted(keys)))
        .order_by(t.resolved_at.desc())
    ):
        earlier.setdefault((row.kind, row.location, row.sku), []).append(row)
    out = {}
    for i in counted:
        found = next((r for r in earlier.get((i.kind, i.location, i.sku), []) if r.resolved_at <= i.raised_at), None)
        if found is not None:
            out[i.id] = {"at": found.resolved_at, "by": found.resolved_by, "note": found.resolution_note}
    return out
