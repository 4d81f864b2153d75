"""Shelf labels: the price on the shelf must be the price the till rings up. When central's new price of a product
arrives (sync_agent.apply records a PriceChange), its label is to be replaced: the manager's "Label harga" lists
what is pending, prints the labels (a page of labels for any printer) and marks them put up. A label for any
product can be printed on demand (one torn or lost)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from common.errors import DomainError, NotFound
from common.promotions import Promo, best_promotion, offer
from pos.adapters.tables import PriceChange, Product

from .auth import Actor
from .context import StoreContext
from .discount_rules import store_promos
from .records import audit
from .store_time import to_local

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


def shown_start(local: datetime) -> date | datetime:
    """When something starts, as a shelf says it: the day alone when it starts at the day's first moment."""
    return local.date() if local.time() == time() else local


def shown_end(local: datetime) -> date | datetime:
    """Its last day, as a shelf says "s/d 13/12" (an end at midnight is the day before's end), or the very moment."""
    return (local - timedelta(days=1)).date() if local.time() == time() else local


def labels(ctx: StoreContext, codes: list[str], at: datetime | None = None) -> list[dict[str, Any]]:
    """The labels to print for these products (SKU or barcode), in the order asked: the name, the price the till
    rings up at `at` (now by default; a promotion's, with the usual price beside it and its last day), per kg for
    weighed goods, and the barcode. A later `at` prepares the labels of a promotion before it starts."""
    codes = _checked(codes)
    with ctx.db.sessions() as s:
        found = {
            key: p
            for p in s.scalars(select(Product).where(or_(Product.sku.in_(codes), Product.barcode.in_(codes))))
            for key in (p.sku, p.barcode)
            if key
        }
        promos, when = store_promos(s), at or ctx.clock()
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
            **offer(promos, p.sku, p.price, when),
            **_period(promos, p, when, ctx),
        }
        for p in shown.values()
    ]


def _period(promos: list[Promo], p: Product, at: datetime, ctx: StoreContext) -> dict[str, date | datetime | None]:
    """When the promotion a label shows (the one `offer` chose) holds: `promo_until`, its last day (None without an
    end); `promo_from`, its first day when it has not started yet (a label printed ahead says from when)."""
    best = best_promotion(promos, p.sku, p.price, 1, at)
    starts, ends = (best[0].starts_at, best[0].ends_at) if best else (None, None)
    return {
        "promo_from": shown_start(to_local(ctx, starts)) if starts and starts > ctx.clock() else None,
        "promo_until": shown_end(to_local(ctx, ends)) if ends else None,
    }


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
