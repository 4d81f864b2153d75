"""Setting a store database up: tills and tax groups from config, staff, and the demo catalog."""

from __future__ import annotations

from sqlalchemy import insert, select

from common.barcodes import catalog_clashes
from common.demo_data import CATEGORIES, STAFF, TAX_GROUPS, demo_products, weighed_products
from common.errors import DomainError
from common.tables import new_id, new_seq_id
from pos.adapters.tables import Category, Product, Staff, StockMovement, TaxGroup, Till

from . import staff_admin
from .context import StoreContext


def ensure_basics(ctx: StoreContext) -> None:
    """Tax groups and the tills named in config; safe to run again."""
    with ctx.db.unit_of_work() as s:
        for code, name, rate in TAX_GROUPS:
            if s.get(TaxGroup, code) is None:
                s.add(TaxGroup(code=code, name=name, rate_bp=rate))
        for till in ctx.config.store.tills:
            if s.get(Till, till) is None:
                s.add(Till(id=till, name=till))  # its receipt counter starts at its first sale


def add_staff(ctx: StoreContext, code: str, name: str, role: str, pin: str) -> None:
    """`omnitoko store add-staff` (and the demo's staff): see staff_admin."""
    staff_admin.add(ctx, None, code, name, role, pin)


def change_pin(ctx: StoreContext, code: str, pin: str) -> int:
    """A new PIN ends every till and manager session of that staff member; returns how many ended."""
    return staff_admin.new_pin(ctx, None, code, pin)


def set_staff_active(ctx: StoreContext, code: str, active: bool) -> int:
    """Disabling a staff code ends all its sessions at once; returns how many ended."""
    return staff_admin.set_active(ctx, None, code, active)


def load_demo_data(ctx: StoreContext) -> int:
    """Demo staff, categories, 300+ products with opening stock; returns how many products were added."""
    ensure_basics(ctx)
    for st in STAFF:
        with ctx.db.sessions() as s:
            exists = s.scalar(select(Staff.id).where(Staff.code == st.code))
        if not exists:
            add_staff(ctx, st.code, st.name, st.role, st.pin)
    with ctx.db.unit_of_work() as s:
        for code, name, name_en in CATEGORIES:
            if s.get(Category, code) is None:
                s.add(Category(code=code, name=name, name_en=name_en))
        catalog: dict[str, str | None] = {sku: code for sku, code in s.execute(select(Product.sku, Product.barcode))}
        fresh = [p for p in [*demo_products(), *weighed_products()] if p.sku not in catalog]
        if clashes := catalog_clashes([*catalog.items(), *((p.sku, p.barcode) for p in fresh)]):
            raise DomainError("barcode_clash", "the catalog was not imported: " + "; ".join(clashes[:5]))
        if fresh:
            s.execute(
                insert(Product),
                [
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
                    }
                    for p in fresh
                ],
            )
            s.execute(
                insert(StockMovement),
                [
                    {
                        "id": new_seq_id(),
                        "sku": p.sku,
                        "qty": p.opening_stock,
                        "kind": "opening",
                        "reason": None,  # the kind says it: "Stok awal" / "Opening"
                        "created_at": ctx.clock(),
                    }
                    for p in fresh
                ],
            )
        return len(fresh)
