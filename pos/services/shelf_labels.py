"""Shelf labels: the price on the shelf must be the price the till rings up. When central's new price of a product
arrives (sync_agent.apply records a PriceChange), its label is to be replaced: the manager's "Label harga" lists
what is pending, prints the labels (a page of labels for any printer) and marks them put up. A label for any
product can be printed on demand (one torn or lost)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update

from common.errors import DomainError, NotFound
from common.promotions import offer
from pos.adapters.tables import PriceChange, Product

from .auth import Actor
from .context import StoreContext
from .discount_rules import store_promos
from .records import audit

MAX_LABELS = 300  # one print or one "put up": a few pages of labels; more is a bad request, not a long page


def pending(ctx: StoreContext) -> list[dict[str, Any]]:
    """Each product whose shelf label is out of date, newest change first: the price its label shows (the first
    pending change's old price; None for a new product, which has no label yet), the price now, and when it last
    changed. A price that came back to what the shelf shows needs no new label and is not listed."""
    with ctx.db.sessions() as s:
        changes = s.execute(
            select(PriceChange.sku, PriceChange.old_price, PriceChange.changed_at)
            .where(PriceChange.labelled_at.is_(None))
            .order_by(PriceChange.changed_at)
        ).all()
        shelf: dict[str, tuple[int, datetime, int]] = {}  # sku -> (the label's price, last change, how many)
        for sku, old, at in changes:
            was, _, n = shelf.get(sku, (old, at, 0))
            shelf[sku] = (was, at, n + 1)
        products = list(s.scalars(select(Product).where(Product.sku.in_(list(shelf))))) if shelf else []
        promos, now = store_promos(s), ctx.clock()
    out = []
    for p in products:
        was, last_at, n = shelf[p.sku]
        if was == p.price or not p.active:
            continue
        out.append(
            {
                "sku": p.sku,
                "name": p.name,
                "barcode": p.barcode,
                "measure": p.measure,
                "was": was or None,  # None: a new product, with no label yet
                "price": p.price,
                "up": bool(was) and p.price > was,
                "changed_at": last_at,
                "changes": n,
                **offer(promos, p.sku, p.price, now),
            }
        )
    return sorted(out, key=lambda r: (-r["changed_at"].timestamp(), r["name"]))


def _checked(codes: list[str]) -> list[str]:
    codes = [c.strip() for c in codes if c and c.strip()]
    if not codes:
        raise DomainError("no_labels", "choose at least one product")
    if len(codes) > MAX_LABELS:
        raise DomainError("too_many_labels", f"at most {MAX_LABELS} labels at once", max=MAX_LABELS)
    return list(dict.fromkeys(codes))


def labels(ctx: StoreContext, codes: list[str]) -> list[dict[str, Any]]:
    """The labels to print for these products (SKU or barcode), in the order asked: the name, the price the till
    rings up today (a promotion's, with the usual price beside it), per kg for weighed goods, and the barcode."""
    codes = _checked(codes)
    with ctx.db.sessions() as s:
        found = {
            key: p
            for p in s.scalars(select(Product).where(or_(Product.sku.in_(codes), Product.barcode.in_(codes))))
            for key in (p.sku, p.barcode)
            if key
        }
        promos, now = store_promos(s), ctx.clock()
    missing = [c for c in codes if c not in found or not found[c].active]
    if missing:
        raise NotFound(
            "label_unknown_product", f"no product on sale here for {', '.join(missing[:5])}", product=missing[0]
        )
    shown: dict[str, Product] = {found[c].sku: found[c] for c in codes}
    return [
        {
            "sku": p.sku,
            "name": p.name,
            "barcode": p.barcode,
            "measure": p.measure,
            "price": p.price,
            **offer(promos, p.sku, p.price, now),
        }
        for p in shown.values()
    ]


def mark_labelled(ctx: StoreContext, actor: Actor, skus: list[str]) -> int:
    """The new labels of these products are on the shelf: their pending changes are done (once: a second
    manager marking the same ones at once marks nothing more). Returns how many products were marked."""
    skus = _checked(skus)
    with ctx.db.unit_of_work() as s:
        done = s.execute(
            update(PriceChange)
            .where(PriceChange.sku.in_(skus), PriceChange.labelled_at.is_(None))
            .values(labelled_at=ctx.clock(), labelled_by=actor.staff_id)
            .returning(PriceChange.sku)
        ).all()
        marked = sorted({sku for (sku,) in done})
        if marked:
            audit(
                s,
                ctx,
                "labels_put_up",
                requested_by=actor.staff_id,
                approved_by=actor.staff_id,
                detail={"n": len(marked), "skus": marked[:20]},
            )
    return len(marked)
