"""What a shopper can look up at the kiosk: categories, products in a category, a price by barcode or name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from common.errors import DomainError, NotFound
from common.measure import WEIGHT, line_gross, qty_texts
from common.promotions import Promo, best_promotion, offer
from common.scale_labels import ScaleLabel, read_label
from pos.adapters.tables import Category, Product

from .catalog import find_product, labelled_product, lookup, on_hand, product_json
from .context import StoreContext
from .discount_rules import store_promos

MAX_PAGE = 60


def shopper_product(p: dict[str, Any], promos: list[Promo], at: datetime) -> dict[str, Any]:
    """A product as a shopper sees it: no stock figures, only whether it is on the shelf; today's promotion
    priced as the till and the online shop price it."""
    return {
        "sku": p["sku"],
        "name": p["name"],
        "barcode": p["barcode"],
        "price": p["price"],
        **offer(promos, p["sku"], p["price"], at),
        "category": p["category"],
        "in_stock": p["on_hand"] > 0,
        "measure": p["measure"],  # weight: the price is per kg; weight and label goods are rung at the till
    }


def label_price(label: ScaleLabel, p: Product, promos: list[Promo], at: datetime, decimal: str = ",") -> dict[str, Any]:
    """What a scale label in the shopper's hand costs, as the till will ring it: its weight at the price per kg
    (and today's promotion), or the price it carries."""
    if label.kind == "price":
        return {"label": {"kind": "price", "price": label.value}, "promo_price": None, "promo": None}
    gross = line_gross(p.price, label.value, WEIGHT)
    best = best_promotion(promos, p.sku, p.price, label.value, at, WEIGHT)
    return {
        "label": {
            "kind": "weight",
            "grams": label.value,
            "qty_text": qty_texts(label.value, WEIGHT, decimal),
            "price": gross,
            "promo_price": gross - best[1].amount_on(gross) if best else None,
        }
    }


def categories(ctx: StoreContext) -> list[dict[str, Any]]:
    """Categories that have something to sell, in both languages, with how many products each has."""
    with ctx.db.sessions() as s:
        rows = s.execute(
            select(Category.code, Category.name, Category.name_en, func.count(Product.id))
            .join(Product, Product.category == Category.code)
            .where(Product.active.is_(True))
            .group_by(Category.code, Category.name, Category.name_en)
            .order_by(Category.name)
        )
        return [
            {"code": code, "name": name, "name_en": name_en or name, "count": int(n)} for code, name, name_en, n in rows
        ]


def browse(
    ctx: StoreContext,
    *,
    category: str | None = None,
    q: str | None = None,
    barcode: str | None = None,
    limit: int = 24,
    offset: int = 0,
) -> dict[str, Any]:
    """Products by barcode (exact; unknown is a 404), by name words, or by category, a page at a time."""
    limit = max(1, min(limit, MAX_PAGE))
    now = ctx.clock()
    with ctx.db.sessions() as s:
        promos = store_promos(s)
    if barcode:
        with ctx.db.sessions() as s:
            try:
                p, label = find_product(s, barcode=barcode), None
            except NotFound:
                if (label := read_label(barcode, ctx.config.labels.layout())) is None:
                    raise
                p = labelled_product(s, label)
            stock = on_hand(s, [p.sku])[p.sku]
        item = shopper_product(product_json(p, stock, ctx.currency.decimal), promos, now)
        return {
            "items": [{**item, **label_price(label, p, promos, now, ctx.currency.decimal)} if label else item],
            "more": False,
        }
    if q and q.strip():
        found = lookup(ctx, q=q, limit=limit + 1)
        return {"items": [shopper_product(p, promos, now) for p in found[:limit]], "more": len(found) > limit}
    if not category:
        raise DomainError("missing_field", "give a barcode, a search text or a category")
    with ctx.db.sessions() as s:
        if s.get(Category, category) is None:
            raise NotFound("unknown_category", f"category {category} not found")
        products = list(
            s.scalars(
                select(Product)
                .where(Product.category == category, Product.active.is_(True))
                .order_by(Product.name)
                .offset(max(0, offset))
                .limit(limit + 1)
            )
        )
        levels = on_hand(s, [p.sku for p in products[:limit]])
        return {
            "items": [
                shopper_product(product_json(p, levels[p.sku], ctx.currency.decimal), promos, now)
                for p in products[:limit]
            ],
            "more": len(products) > limit,
        }
