"""Editing the catalog at central: every change goes to the feed, so each store has it after one sync round."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from central.tables import Category, Product, Promotion, TaxGroup
from central.tables.base import new_id
from common.barcodes import barcode_clash
from common.errors import Conflict, DomainError, NotFound
from common.limits import MAX_AMOUNT
from common.measure import checked_plu, measure_of
from common.money import group_thousands
from common.promotions import MULTI_BUY, check_multi_buy

from . import feed, price_checks, promotion_checks
from .context import CentralContext
from .feed import FeedChange

MAX_PRICE = MAX_AMOUNT  # a line of one: the till and central take no line above it


def product_data(p: Product, tax: TaxGroup | None, category: Category | None) -> dict[str, Any]:
    # Tax rate and category name ride along: a store can create what it lacks before their own change arrives.
    return {
        "sku": p.sku,
        "barcode": p.barcode,
        "name": p.name,
        "category": p.category,
        "price": p.price,
        "tax_group": p.tax_group,
        "unit": p.unit,
        "active": p.active,
        "measure": p.measure,
        "plu": p.plu,
        "tax_rate_bp": tax.rate_bp if tax else None,
        "tax_name": tax.name if tax else None,
        "category_name": category.name if category else None,
        "category_name_en": category.name_en if category else None,
    }


def product_change(s: Session, p: Product) -> FeedChange:
    tax = s.get(TaxGroup, p.tax_group)
    cat = s.get(Category, p.category) if p.category else None
    return FeedChange("product", p.sku, product_data(p, tax, cat))


def product_json(p: Product) -> dict[str, Any]:
    return {
        "sku": p.sku,
        "barcode": p.barcode,
        "name": p.name,
        "category": p.category,
        "price": p.price,
        "tax_group": p.tax_group,
        "unit": p.unit,
        "active": p.active,
        "measure": p.measure,
        "plu": p.plu,
        "updated_at": p.updated_at,
    }


def _matching(q: str) -> Select[Product]:
    """The products whose name or SKU holds each of the first five words of `q`, or whose barcode is one."""
    stmt = select(Product)
    for word in q.split()[:5]:
        stmt = stmt.where(or_(Product.name.ilike(f"%{word}%"), Product.sku.ilike(f"%{word}%"), Product.barcode == word))
    return stmt


def find_products(ctx: CentralContext, q: str = "", limit: int | None = 50) -> list[dict[str, Any]]:
    """The products found by `q` in SKU order: at most `limit` (1 to 500), or all of them (None: an export)."""
    stmt = _matching(q).order_by(Product.sku)
    with ctx.db.sessions() as s:
        return [product_json(p) for p in s.scalars(stmt if limit is None else stmt.limit(max(1, min(limit, 500))))]


def count_products(ctx: CentralContext, q: str = "") -> int:
    """How many products `q` finds (a page showing the first hundred says how many there are)."""
    with ctx.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(_matching(q).subquery())) or 0)


def get_product(ctx: CentralContext, sku: str) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        p = s.scalar(select(Product).where(Product.sku == sku))
        if p is None:
            raise NotFound("unknown_sku", f"SKU {sku} not found")
        return product_json(p)


def save_product(
    ctx: CentralContext,
    sku: str,
    *,
    name: str,
    price: int,
    barcode: str | None = None,
    category: str | None = None,
    tax_group: str = "PPN",
    unit: str = "pcs",
    active: bool = True,
    create: bool = False,
    measure: str = "unit",
    plu: str | None = None,
) -> dict[str, Any]:
    """Create or change a product (its price included); the change is in the feed in the same transaction. A
    weighed product's price is per kg; `plu` is the item code its scale labels carry."""
    sku, name, barcode = sku.strip(), name.strip(), (barcode or "").strip() or None
    measure, plu = measure_of(measure), checked_plu(plu)
    if not sku or len(sku) > 32:
        raise DomainError("bad_sku", "a SKU is 1-32 characters")
    if not name:
        raise DomainError("missing_name", "give the product a name")
    if not (0 <= price <= MAX_PRICE):
        raise DomainError("bad_price", f"the price is a whole amount from 0 to Rp {group_thousands(MAX_PRICE)}")
    with ctx.db.unit_of_work() as s:
        if s.get(TaxGroup, tax_group) is None:
            raise DomainError("unknown_tax_group", f"tax group {tax_group} is not set up")
        if category and s.get(Category, category) is None:
            raise DomainError("unknown_category", f"category {category} is not set up")
        p = s.scalar(select(Product).where(Product.sku == sku))
        if p is None and not create:
            raise NotFound("unknown_sku", f"SKU {sku} not found")
        if p is not None and create:
            raise Conflict("sku_exists", f"SKU {sku} already exists")
        near = [Product.barcode == sku, *((Product.barcode == barcode, Product.sku == barcode) if barcode else ())]
        others = [
            (o, b) for o, b in s.execute(select(Product.sku, Product.barcode).where(or_(*near), Product.sku != sku))
        ]
        if clash := barcode_clash(sku, barcode, others):
            clashes_with = next((o for o, b in others if (barcode and barcode in (b, o)) or b == sku), "")
            raise Conflict("barcode_taken", clash, other=clashes_with)
        if plu and (owner := s.scalar(select(Product.sku).where(Product.plu == plu, Product.sku != sku))):
            raise Conflict("plu_taken", f"item code {plu} already belongs to {owner}", plu=plu, sku=owner)
        if p is None:
            p = Product(id=new_id(), sku=sku)
            s.add(p)
        # a store may sell at the price it had (offline since) or the one it gets
        price_checks.record_prices(s, sku, [price] if p.price is None else [p.price, price], ctx.clock())
        p.name, p.price, p.barcode, p.category, p.tax_group = name, price, barcode, category or None, tax_group
        p.unit, p.active, p.updated_at = unit or "pcs", active, ctx.clock()
        p.measure, p.plu = measure, plu
        s.flush()
        feed.append(s, ctx, [product_change(s, p)])
        ctx.known_skus.add(sku)
        return product_json(p)


def set_price(ctx: CentralContext, sku: str, price: int) -> dict[str, Any]:
    current = get_product(ctx, sku)
    return save_product(
        ctx,
        sku,
        name=current["name"],
        price=price,
        barcode=current["barcode"],
        category=current["category"],
        tax_group=current["tax_group"],
        unit=current["unit"],
        active=current["active"],
        measure=current["measure"],
        plu=current["plu"],
    )


def save_promotion(
    ctx: CentralContext,
    *,
    name: str,
    kind: str,
    value: int,
    skus: list[str],
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    active: bool = True,
    promotion_id: str | None = None,
    set_qty: int | None = None,
    mixed: bool = False,
) -> dict[str, Any]:
    if kind not in ("percent", "amount", *MULTI_BUY):
        raise DomainError("bad_kind", "a promotion is 'percent' (basis points) or 'amount' off, 'bundle' or 'free'")
    if kind in MULTI_BUY:
        check_multi_buy(kind, set_qty, value)
    else:
        set_qty, mixed = None, False  # only a multi-buy's products are mixed in a set
    if value <= 0 or (kind == "percent" and value > 10_000):
        raise DomainError("bad_value", "a percent promotion is 1-10000 basis points; an amount is above 0")
    if not name.strip():
        raise DomainError("missing_name", "give the promotion a name")
    if starts_at and ends_at and ends_at <= starts_at:
        raise DomainError("bad_dates", "the promotion must end after it starts")
    with ctx.db.unit_of_work() as s:
        known = {sku: m for sku, m in s.execute(select(Product.sku, Product.measure).where(Product.sku.in_(skus)))}
        if missing := sorted(set(skus) - set(known)):
            raise DomainError("unknown_sku", f"SKU {', '.join(missing[:5])} not found")
        if kind in MULTI_BUY and (weighed := sorted(sku for sku, m in known.items() if m != "unit")):
            raise DomainError(
                "multi_buy_weighed", f"{', '.join(weighed[:5])} is not counted in units", sku=", ".join(weighed[:5])
            )
        promo = s.get(Promotion, promotion_id) if promotion_id else None
        if promotion_id and promo is None:
            raise NotFound("unknown_promotion", f"promotion {promotion_id} not found")
        if promo is None:
            promo = Promotion(id=new_id())
            s.add(promo)
        promo.name, promo.kind, promo.value, promo.skus = name.strip(), kind, value, json.dumps(sorted(set(skus)))
        promo.set_qty, promo.mixed = set_qty, mixed
        promo.starts_at, promo.ends_at, promo.active, promo.updated_at = starts_at, ends_at, active, ctx.clock()
        s.flush()
        promotion_checks.record_terms(s, promo, promo.updated_at)  # a store may price with these after a change
        data = promotion_json(promo)
        feed.append(s, ctx, [FeedChange("promotion", promo.id, promotion_data(data))])
        return data


def promotion_json(p: Promotion) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "value": p.value,
        "set_qty": p.set_qty,
        "mixed": bool(p.mixed),
        "skus": json.loads(p.skus),
        "starts_at": p.starts_at.isoformat() if p.starts_at else None,
        "ends_at": p.ends_at.isoformat() if p.ends_at else None,
        "active": p.active,
    }


def promotion_data(p: dict[str, Any]) -> dict[str, Any]:
    """A promotion as the feed carries it (topic version 3, with `mixed`): a multi-buy's value rides in `set_value` and its
    `value` is 0, since a version-1 agent reads any kind it does not know as Rupiah off each item, and skips a
    promotion worth 0 (no discount, never "2 untuk Rp 10.000" taken as Rp 10.000 off each)."""
    if p["kind"] not in MULTI_BUY:
        return {**p, "set_value": None}
    return {**p, "value": 0, "set_value": p["value"]}


def promotions(ctx: CentralContext) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        return [promotion_json(p) for p in s.scalars(select(Promotion).order_by(Promotion.updated_at.desc()))]
