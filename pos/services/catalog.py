"""Looking products up by barcode, SKU or name, with their stock on hand."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from pos.adapters.tables import Product, StockMovement, TaxGroup
from pos.domain.errors import DomainError, NotFound

from .context import StoreContext

MAX_RESULTS = 50


def on_hand(session: Session, skus: list[str]) -> dict[str, int]:
    if not skus:
        return {}
    rows = session.execute(
        select(StockMovement.sku, func.sum(StockMovement.qty)).where(StockMovement.sku.in_(skus))
        .group_by(StockMovement.sku)
    )
    found = {sku: int(total or 0) for sku, total in rows}
    return {sku: found.get(sku, 0) for sku in skus}


def product_json(p: Product, stock: int) -> dict[str, Any]:
    return {"sku": p.sku, "name": p.name, "barcode": p.barcode, "price": p.price, "tax_group": p.tax_group,
            "category": p.category, "on_hand": stock}


def find_product(session: Session, *, barcode: str | None = None, sku: str | None = None) -> Product:
    if barcode:
        p = session.scalar(select(Product).where(Product.barcode == barcode, Product.active.is_(True)))
        if p is None:
            raise NotFound("unknown_barcode", f"barcode {barcode} not found: search by name (F2) or call the manager",
                           barcode=barcode)
        return p
    if sku:
        p = session.scalar(select(Product).where(Product.sku == sku, Product.active.is_(True)))
        if p is None:
            raise NotFound("unknown_sku", f"SKU {sku} not found", sku=sku)
        return p
    raise DomainError("missing_field", "give a barcode or a sku")


def tax_rate(session: Session, group: str) -> int:
    rate = session.scalar(select(TaxGroup.rate_bp).where(TaxGroup.code == group))
    if rate is None:
        raise DomainError("unknown_tax_group", f"tax group {group} is not set up")
    return int(rate)


def lookup(ctx: StoreContext, *, barcode: str | None = None, q: str | None = None, sku: str | None = None,
           limit: int = 20) -> list[dict[str, Any]]:
    """Products for a barcode (exact), a SKU (exact) or a name search (words in any order)."""
    limit = max(1, min(limit, MAX_RESULTS))
    with ctx.db.sessions() as s:
        if barcode or sku:
            try:
                products = [find_product(s, barcode=barcode, sku=sku)]
            except NotFound:
                products = []
        elif q and q.strip():
            stmt = select(Product).where(Product.active.is_(True))
            for word in q.split()[:5]:
                pattern = f"%{word}%"
                stmt = stmt.where(or_(Product.name.ilike(pattern), Product.sku.ilike(pattern)))
            products = list(s.scalars(stmt.order_by(Product.name).limit(limit)))
        else:
            raise DomainError("missing_field", "give barcode, sku or q")
        stock = on_hand(s, [p.sku for p in products])
        return [product_json(p, stock[p.sku]) for p in products]


def stock_card(ctx: StoreContext, sku: str, limit: int = 100) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        p = find_product(s, sku=sku)
        moves = list(s.scalars(
            select(StockMovement).where(StockMovement.sku == sku)
            .order_by(StockMovement.created_at.desc(), StockMovement.id).limit(limit)
        ))
        return {
            "sku": p.sku, "name": p.name, "on_hand": on_hand(s, [sku])[sku],
            "movements": [
                {"id": m.id, "qty": m.qty, "kind": m.kind, "reason": m.reason, "ref_id": m.ref_id,
                 "at": m.created_at.isoformat()}
                for m in moves
            ],
        }
