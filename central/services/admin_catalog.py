"""The catalog as the admin reads it: category names (in the admin's language) and product names, not codes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from central.tables import Category, Product, Promotion
from common.errors import DomainError, NotFound
from common.money import format_money

from . import catalog
from .context import CentralContext


def category_names(ctx: CentralContext, lang: str) -> dict[str, str]:
    """Category code -> its name in `lang` (Indonesian where it has no English one)."""
    with ctx.db.sessions() as s:
        return {
            c.code: (c.name_en if lang == "en" and c.name_en else c.name) or c.code for c in s.scalars(select(Category))
        }


def products(ctx: CentralContext, q: str, lang: str, limit: int | None = 100) -> list[dict[str, Any]]:
    """Products found by `q`, each with its category's name."""
    names = category_names(ctx, lang)
    return [
        {**p, "category_name": names.get(p["category"], p["category"]) if p["category"] else ""}
        for p in catalog.find_products(ctx, q, limit=limit)
    ]


def promotions(ctx: CentralContext) -> list[dict[str, Any]]:
    """The promotions, each naming its products (`products`: name and SKU) rather than listing SKUs alone."""
    items = catalog.promotions(ctx)
    wanted = {sku for p in items for sku in p["skus"]}
    with ctx.db.sessions() as s:
        names = dict(s.execute(select(Product.sku, Product.name).where(Product.sku.in_(wanted))).all())
    return [{**p, "products": [{"sku": sku, "name": names.get(sku, sku)} for sku in p["skus"]]} for p in items]


def save_promotion(
    ctx: CentralContext,
    *,
    name: str,
    kind: str,
    value: int,
    skus: list[str],
    set_qty: int | None = None,
    mixed: bool = False,
) -> dict[str, Any]:
    """A promotion typed in the admin's form: SKUs in any case (sku-00001), one not in the catalog named; an amount
    off bigger than a product's own price refused (it would sell for Rp 0), naming the product."""
    with ctx.db.sessions() as s:
        rows = s.execute(
            select(Product.sku, Product.name, Product.price, Product.measure).where(
                func.upper(Product.sku).in_([x.upper() for x in skus])
            )
        ).all()
    found = {r.sku.upper(): r for r in rows}
    if missing := [x for x in skus if x.upper() not in found]:
        raise DomainError(
            "promotion_unknown_sku", f"SKU {', '.join(missing[:5])} not found", sku=", ".join(missing[:5])
        )
    over = sorted(
        (r for r in rows if kind == "amount" and r.measure != "label" and r.price < value), key=lambda r: r.price
    )
    if over:
        raise DomainError(
            "promotion_over_price",
            f"Rp {value} off is more than the price of {over[0].name}",
            off=format_money(value),
            name=over[0].name,
            price=format_money(over[0].price),
        )
    sold = [found[x.upper()].sku for x in skus]
    return catalog.save_promotion(ctx, name=name, kind=kind, value=value, skus=sold, set_qty=set_qty, mixed=mixed)


def end_promotion(ctx: CentralContext, promotion_id: str) -> dict[str, Any]:
    """The promotion made inactive from now, all else as it was (the stores get it on the feed)."""
    with ctx.db.sessions() as s:
        p = s.get(Promotion, promotion_id)
        if p is None:
            raise NotFound("unknown_promotion", f"promotion {promotion_id} not found")
        name, kind, value, starts, ends, skus = p.name, p.kind, p.value, p.starts_at, p.ends_at, json.loads(p.skus)
        set_qty, mixed = p.set_qty, p.mixed
    return catalog.save_promotion(
        ctx,
        name=name,
        kind=kind,
        value=value,
        skus=skus,
        starts_at=starts,
        ends_at=ends,
        active=False,
        promotion_id=promotion_id,
        set_qty=set_qty,
        mixed=mixed,
    )
