"""The catalog as the admin reads it: category names (in the admin's language) and product names, not codes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from central.tables import Category, Product

from . import catalog
from .context import CentralContext


def category_names(ctx: CentralContext, lang: str) -> dict[str, str]:
    """Category code -> its name in `lang` (Indonesian where it has no English one)."""
    with ctx.db.sessions() as s:
        return {
            c.code: (c.name_en if lang == "en" and c.name_en else c.name) or c.code for c in s.scalars(select(Category))
        }


def products(ctx: CentralContext, q: str, lang: str, limit: int = 100) -> list[dict[str, Any]]:
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
