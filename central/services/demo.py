"""Central demo data: the same minimarket catalog as the store's demo, opening stock per location."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import insert, select

from central.tables import Category, Location, Product, TaxGroup
from central.tables.base import new_id
from common.barcodes import catalog_clashes
from common.demo_data import CATEGORIES, TAX_GROUPS, demo_products, weighed_products
from common.errors import DomainError

from . import feed, stock
from .catalog import product_data
from .context import CentralContext
from .feed import FeedChange
from .stock import Movement
from .stores import ONLINE, ensure_meta

DEMO_STORE = "TOKO-01"
# A second store with no agent of its own, so the demo till can show "in another store".
OTHER_STORES = [("TOKO-02", "Omnitoko Depok")]


def _other_stock(rng: random.Random, measure: str) -> int:
    """Opening stock elsewhere: 0-60 items, or 0-60 kg (in grams) of a weighed product."""
    return rng.randint(0, 60) * (1000 if measure == "weight" else 1)


def load(ctx: CentralContext, products_limit: int | None = None) -> int:
    """Tax groups, categories, products, and opening stock for TOKO-01 (as in its demo DB), TOKO-02 and online."""
    ensure_meta(ctx)
    products = [*demo_products(), *weighed_products()][:products_limit]
    if clashes := catalog_clashes((p.sku, p.barcode) for p in products):
        raise DomainError("barcode_clash", "the catalog was not imported: " + "; ".join(clashes[:5]))
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(Product.id).limit(1)) is not None:
            return 0
        taxes = {code: TaxGroup(code=code, name=name, rate_bp=rate) for code, name, rate in TAX_GROUPS}
        cats = {code: Category(code=code, name=name, name_en=en) for code, name, en in CATEGORIES}
        s.add_all([*taxes.values(), *cats.values()])
        for code, name in [(DEMO_STORE, "Omnitoko Kemang"), *OTHER_STORES]:
            if s.get(Location, code) is None:
                s.add(Location(code=code, name=name, kind="store"))
        rows: list[dict[str, Any]] = [
            {
                "id": new_id(),
                "sku": p.sku,
                "barcode": p.barcode,
                "name": p.name,
                "category": p.category,
                "price": p.price,
                "tax_group": p.tax_group,
                "unit": "pcs",
                "active": True,
                "measure": p.measure,
                "plu": p.plu,
                "updated_at": ctx.clock(),
            }
            for p in products
        ]
        s.execute(insert(Product), rows)
        s.flush()
        changes = [
            FeedChange("tax_group", t.code, {"code": t.code, "name": t.name, "rate_bp": t.rate_bp})
            for t in taxes.values()
        ]
        changes += [
            FeedChange("category", c.code, {"code": c.code, "name": c.name, "name_en": c.name_en})
            for c in cats.values()
        ]
        changes += [
            FeedChange("product", r["sku"], product_data(Product(**r), taxes[r["tax_group"]], cats.get(r["category"])))
            for r in rows
        ]
        rng = random.Random(4242)
        for location, qty in [(DEMO_STORE, None), *((code, "random") for code, _ in OTHER_STORES), (ONLINE, "random")]:
            moves = [
                Movement(new_id(), p.sku, p.opening_stock if qty is None else _other_stock(rng, p.measure), "opening")
                for p in products
            ]
            changes += stock.post(s, ctx, location, moves)
            changes += stock.publish(s, ctx, location)
        feed.append(s, ctx, changes)
        ctx.known_skus.update(r["sku"] for r in rows)
        return len(rows)
