"""Setting a store database up: tills and tax groups from config, staff, and the demo catalog."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from common.barcodes import catalog_clashes
from common.demo_data import CATEGORIES, STAFF, TAX_GROUPS, demo_products, weighed_products
from common.errors import Conflict, DomainError, NotFound
from common.tables import new_id, new_seq_id
from pos.adapters.tables import Category, Product, Staff, StockMovement, TaxGroup, Till

from .auth import end_all_sessions, hash_pin
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


def _check_pin_rule(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise DomainError("bad_pin", "a PIN is 4 to 8 digits")


def add_staff(ctx: StoreContext, code: str, name: str, role: str, pin: str) -> None:
    if role not in ("cashier", "manager"):
        raise DomainError("bad_role", "role is cashier or manager")
    _check_pin_rule(pin)
    with ctx.db.unit_of_work() as s:
        if s.scalar(select(Staff).where(Staff.code == code)):
            raise Conflict("staff_exists", f"staff code {code} is taken")
        s.add(Staff(code=code, name=name, role=role, pin_hash=hash_pin(pin)))


def _staff(s: Any, code: str) -> Staff:
    staff = s.scalar(select(Staff).where(Staff.code == code))
    if staff is None:
        raise NotFound("unknown_staff", f"there is no staff code {code}")
    return staff


def change_pin(ctx: StoreContext, code: str, pin: str) -> int:
    """A new PIN ends every till and manager session of that staff member; returns how many ended."""
    _check_pin_rule(pin)
    with ctx.db.unit_of_work() as s:
        _staff(s, code).pin_hash = hash_pin(pin)
    return end_all_sessions(ctx, _staff_id(ctx, code))


def set_staff_active(ctx: StoreContext, code: str, active: bool) -> int:
    """Disabling a staff code ends all its sessions at once; returns how many ended."""
    with ctx.db.unit_of_work() as s:
        _staff(s, code).active = active
    return 0 if active else end_all_sessions(ctx, _staff_id(ctx, code))


def _staff_id(ctx: StoreContext, code: str) -> str:
    with ctx.db.sessions() as s:
        return _staff(s, code).id


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
                        "reason": "demo data",
                        "created_at": ctx.clock(),
                    }
                    for p in fresh
                ],
            )
        return len(fresh)
