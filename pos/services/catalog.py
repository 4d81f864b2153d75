"""Looking products up by barcode, SKU or name, with their stock on hand."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.orm import Session

from common.barcodes import barcode_clash
from common.errors import DomainError, NotFound
from common.measure import qty_texts
from common.scale_labels import ScaleLabel, check_fits, unknown_item
from common.tables import utcnow
from pos.adapters.tables import Product, ReconciliationItem, StockMovement, TaxGroup

from .context import StoreContext

MAX_RESULTS = 50
log = logging.getLogger(__name__)


def on_hand(session: Session, skus: list[str]) -> dict[str, int]:
    if not skus:
        return {}
    rows = session.execute(
        select(StockMovement.sku, func.sum(StockMovement.qty))
        .where(StockMovement.sku.in_(skus))
        .group_by(StockMovement.sku)
    )
    found = {sku: int(total or 0) for sku, total in rows}
    return {sku: found.get(sku, 0) for sku in skus}


def product_json(p: Product, stock: int, decimal: str = ",") -> dict[str, Any]:
    return {
        "sku": p.sku,
        "name": p.name,
        "barcode": p.barcode,
        "price": p.price,
        "tax_group": p.tax_group,
        "category": p.category,
        "on_hand": stock,  # grams for a weighed product
        "measure": p.measure,  # common.measure: weight = price per kg
        "on_hand_text": qty_texts(stock, p.measure, decimal),  # the store's decimal sign
    }


# Built once (a scan runs these on every beep); SQLAlchemy reuses their compiled SQL.
_BY_BARCODE = select(Product).where(Product.barcode == bindparam("code"), Product.active.is_(True))
_BY_SKU = select(Product).where(Product.sku == bindparam("code"), Product.active.is_(True))
_TAX_RATE = select(TaxGroup.rate_bp).where(TaxGroup.code == bindparam("group"))
_P, _T = Product.__table__, TaxGroup.__table__
_FOR_SALE = (
    select(_P.c.sku, _P.c.barcode, _P.c.name, _P.c.price, _P.c.tax_group, _T.c.rate_bp)
    .select_from(_P.outerjoin(_T, _T.c.code == _P.c.tax_group))
    .where(_P.c.active.is_(True))
)
_FOR_SALE_BY_BARCODE = _FOR_SALE.where(_P.c.barcode == bindparam("code"))
_FOR_SALE_BY_SKU = _FOR_SALE.where(_P.c.sku == bindparam("code"))


def not_found(barcode: str | None, sku: str | None) -> DomainError:
    if barcode:
        return NotFound(
            "unknown_barcode", f"barcode {barcode} not found: search by name (F2) or call the manager", barcode=barcode
        )
    if sku:
        return NotFound("unknown_sku", f"SKU {sku} not found", sku=sku)
    return DomainError("missing_field", "give a barcode or a sku")


def find_product(session: Session, *, barcode: str | None = None, sku: str | None = None) -> Product:
    p = None
    if barcode:
        p = session.scalar(_BY_BARCODE, {"code": barcode})
    elif sku:
        p = session.scalar(_BY_SKU, {"code": sku})
    if p is None:
        raise not_found(barcode, sku)
    return p


def labelled_product(session: Session, label: ScaleLabel) -> Product:
    """The product a scale label's item code names (refused when the label does not fit how it is sold)."""
    p = session.scalar(select(Product).where(Product.plu == label.item, Product.active.is_(True)))
    if p is None:
        raise unknown_item(label)
    check_fits(label, p.measure, p.name)
    return p


def product_for_sale(session: Session, *, barcode: str | None = None, sku: str | None = None) -> Row[*tuple[Any, ...]]:
    """What a sale line copies from the catalog (sku, barcode, name, price, tax_group) and the group's rate_bp
    (None if the group is not set up), in one plain query: the till's hot path."""
    row = None
    if barcode:
        row = session.execute(_FOR_SALE_BY_BARCODE, {"code": barcode}).first()
    elif sku:
        row = session.execute(_FOR_SALE_BY_SKU, {"code": sku}).first()
    if row is None:
        raise not_found(barcode, sku)
    return row


def tax_rate(session: Session, group: str) -> int:
    rate = session.scalar(_TAX_RATE, {"group": group})
    return checked_rate(group, rate)


def checked_rate(group: str, rate: int | None) -> int:
    if rate is None:
        raise DomainError("unknown_tax_group", f"tax group {group} is not set up")
    return int(rate)


def lookup(
    ctx: StoreContext, *, barcode: str | None = None, q: str | None = None, sku: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
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
        return [product_json(p, stock[p.sku], ctx.currency.decimal) for p in products]


def stock_card(ctx: StoreContext, sku: str, limit: int = 100) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        p = find_product(s, sku=sku)
        moves = list(
            s.scalars(
                select(StockMovement)
                .where(StockMovement.sku == sku)
                .order_by(StockMovement.created_at.desc(), StockMovement.seq.desc())  # newest first
                .limit(limit)
            )
        )
        return {
            "sku": p.sku,
            "name": p.name,
            "on_hand": on_hand(s, [sku])[sku],
            "movements": [
                {
                    "id": m.id,
                    "qty": m.qty,
                    "kind": m.kind,
                    "reason": m.reason,
                    "ref_id": m.ref_id,
                    "at": m.created_at.isoformat(),
                }
                for m in moves
            ],
        }


def feed_barcode(session: Session, sku: str, barcode: str, page_skus: Iterable[str]) -> str | None:
    """The barcode a pulled product keeps: none when it is another product's SKU (a scan would ring the wrong
    item). The product still arrives, and the manager's sync page shows why it scans by SKU only."""
    taken = barcode in page_skus or session.scalar(select(Product.id).where(Product.sku == barcode)) is not None
    clash = barcode_clash(sku, barcode, [(barcode, None)] if taken else [])
    if clash is None:
        return barcode
    log.error("catalog feed: %s keeps no barcode: %s", sku, clash)
    session.merge(
        ReconciliationItem(
            id=f"barcode:{sku}",
            kind="barcode_clash",
            sku=sku,
            ref_id=barcode,
            message=f"{sku} was given no barcode: {clash}",
            detail="{}",
            raised_at=utcnow(),
            resolved_at=None,
        )
    )
    return None
