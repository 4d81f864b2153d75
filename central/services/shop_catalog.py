"""The online shop's catalog: the central catalog every store sells from, with today's promotions and the stock
of the online warehouse and of each store (less what click-and-collect carts hold)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select

from central.tables import Category, Product
from common.promotions import offer

from .cart_views import available, locations, promos
from .context import CentralContext

MAX_QUERY_WORDS = 5
# Weighed and label-priced goods are sold in store only: an online order is picked and paid by the item, and a
# weight is known only once a store weighs it (issue 16).
SOLD_ONLINE = and_(Product.active.is_(True), Product.measure == "unit")


def categories(ctx: CentralContext) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        counts = dict(
            s.execute(select(Product.category, func.count()).where(SOLD_ONLINE).group_by(Product.category)).all()
        )
        return [
            {"code": c.code, "name": c.name, "name_en": c.name_en or c.name, "count": int(counts.get(c.code, 0))}
            for c in s.scalars(select(Category).order_by(Category.code))
            if counts.get(c.code)
        ]


def browse(
    ctx: CentralContext, *, q: str = "", category: str | None = None, page: int = 1, page_size: int | None = None
) -> dict[str, Any]:
    """A page of active products (search by name, SKU or barcode; or one category), priced as the tills price."""
    size = page_size or ctx.config.shop.page_size
    page = max(1, page)
    now = ctx.clock()
    with ctx.db.sessions() as s:
        stmt = select(Product).where(SOLD_ONLINE)
        for word in q.split()[:MAX_QUERY_WORDS]:
            stmt = stmt.where(
                or_(Product.name.ilike(f"%{word}%"), Product.sku.ilike(f"%{word}%"), Product.barcode == word)
            )
        if category:
            stmt = stmt.where(Product.category == category)
        total = int(s.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
        page = min(page, max(1, -(-total // size)))  # past the end (an old link, a typed URL): the last page
        rows = list(s.scalars(stmt.order_by(Product.name, Product.sku).limit(size).offset((page - 1) * size)))
        offers = promos(s)
        places = locations(s)
        spare = available(s, now, [p.sku for p in rows])
        items = []
        for p in rows:
            stock: list[dict[str, Any]] = [{**loc, "qty": spare.get((loc["code"], p.sku), 0)} for loc in places]
            items.append(
                {
                    "sku": p.sku,
                    "name": p.name,
                    "barcode": p.barcode,
                    "category": p.category,
                    "price": p.price,
                    **offer(offers, p.sku, p.price, now),
                    "stock": stock,
                    "online": next((x["qty"] for x in stock if x["kind"] == "online"), 0),
                    "stores_with_stock": sum(1 for x in stock if x["kind"] == "store" and x["qty"] > 0),
                }
            )
        return {
            "items": items,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // size)),
            "q": q,
            "category": category,
        }
