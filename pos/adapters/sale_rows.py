"""A sale, its lines and tenders as plain records, read and written by the driver inside `Database.transaction()`.

The till's hot path (open a sale, scan, pay, complete) uses these instead of ORM objects: each statement is built
once here and run as compiled SQL (common.db.compiled_sql). The records carry the same attribute names as the
ORM classes, so pricing and the sale's JSON read either; times are read back as the ORM reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from operator import attrgetter
from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update

from common.db import Tx, read_time, sql_time

from .tables import Product, Sale, SaleLine, SaleMember, Shift, TaxGroup, TenderRow


@dataclass(slots=True)
class SaleRec:
    id: str
    till_id: str
    shift_id: str
    staff_id: str
    state: str
    number: str | None
    discount_kind: str | None
    discount_value: int | None
    discount_approved_by: str | None
    subtotal: int
    discount_total: int
    tax_total: int
    rounding: int
    total: int
    paid: int
    change: int
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def new(cls, sale_id: str, till_id: str, shift_id: str, staff_id: str, at: datetime) -> SaleRec:
        """A sale just opened: nothing on it yet, no number, no discount."""
        return cls(sale_id, till_id, shift_id, staff_id, "open", None, None, None, None, 0, 0, 0, 0, 0, 0, 0, at, None)


# The columns an edit of an open sale may change on a line.
_CHANGED = (
    "qty",
    "position",
    "discount_kind",
    "discount_value",
    "promotion_id",
    "line_discount",
    "sale_discount",
    "net",
)

_changes = attrgetter(*_CHANGED)


@dataclass(slots=True)
class LineRec:
    id: str
    sale_id: str
    position: int
    sku: str
    barcode: str | None
    name: str
    unit_price: int
    qty: int
    tax_group: str
    tax_rate_bp: int
    discount_kind: str | None
    discount_value: int | None
    promotion_id: str | None
    line_discount: int
    sale_discount: int
    net: int
    refunded_qty: int
    measure: str = "unit"  # common.measure: weight = qty in grams, price per kg; label = the label's price

    def changes(self) -> tuple[Any, ...]:
        """What an edit of an open sale may change on a line (compared before and after to write only those)."""
        return _changes(self)  # attrgetter of several names gives a tuple


@dataclass(slots=True)
class TenderRec:
    id: str
    sale_id: str
    type: str
    amount: int
    reference: str | None
    created_at: datetime


@cache
def _names(rec: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(rec))


def _row(rec: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: getattr(rec, n) for n in names}


_S, _L, _T = Sale.__table__, SaleLine.__table__, TenderRow.__table__
_P, _G = Product.__table__, TaxGroup.__table__
_SALE = select(*[_S.c[n] for n in _names(SaleRec)])
_BY_KEY = or_(_S.c.id == bindparam("key"), _S.c.number == bindparam("key"))
SALE_BY_KEY = _SALE.where(_BY_KEY)
# The sale and whether a payment is taken on it, in one read (a scan refuses to change lines once one is).
SALE_TENDERED_BY_KEY = _SALE.add_columns(
    select(_T.c.id).where(_T.c.sale_id == _S.c.id).exists().label("tendered")
).where(_BY_KEY)
# The sale and its member (None without one), in one read (a sale's completion needs both).
SALE_MEMBER_BY_KEY = _SALE.add_columns(
    select(SaleMember.__table__.c.member_id)
    .where(SaleMember.__table__.c.sale_id == _S.c.id)
    .scalar_subquery()
    .label("member_id")
).where(_BY_KEY)
SALE_MEMBER_ID = select(SaleMember.__table__.c.member_id).where(SaleMember.__table__.c.sale_id == bindparam("sale_id"))
OPEN_SALE = _SALE.where(_S.c.till_id == bindparam("till_id"), _S.c.state == "open")
LINES = select(*[_L.c[n] for n in _names(LineRec)]).where(_L.c.sale_id == bindparam("sale_id")).order_by(_L.c.position)
TENDERS = (
    select(*[_T.c[n] for n in _names(TenderRec)])
    .where(_T.c.sale_id == bindparam("sale_id"))
    .order_by(_T.c.created_at, _T.c.id)
)
OPEN_SHIFT_ID = select(Shift.__table__.c.id).where(
    Shift.__table__.c.till_id == bindparam("till_id"), Shift.__table__.c.state == "open"
)
_FOR_SALE = (
    select(_P.c.sku, _P.c.barcode, _P.c.name, _P.c.price, _P.c.tax_group, _G.c.rate_bp, _P.c.measure)
    .select_from(_P.outerjoin(_G, _G.c.code == _P.c.tax_group))
    .where(_P.c.active.is_(True))
)
PRODUCT_BY_BARCODE = _FOR_SALE.where(_P.c.barcode == bindparam("code"))
PRODUCT_BY_SKU = _FOR_SALE.where(_P.c.sku == bindparam("code"))
PRODUCT_BY_PLU = _FOR_SALE.where(_P.c.plu == bindparam("code"))  # a scale label's item code
INSERT_SALE = insert(_S)
INSERT_LINE = insert(_L)
INSERT_TENDER = insert(_T)
_LINE_CHANGES = (
    update(_L)
    .where(_L.c.sale_id == bindparam("line_sale"), _L.c.id == bindparam("line_id"))
    .values({n: bindparam(n) for n in _CHANGED})
)


def sale_rec(row: tuple[Any, ...]) -> SaleRec:
    sale = SaleRec(*row)
    sale.created_at = read_time(sale.created_at)
    sale.completed_at = read_time(sale.completed_at) if sale.completed_at else None
    return sale


def load_sale(tx: Tx, key: str) -> SaleRec | None:
    """The sale by id or receipt number, as sale_views.load_sale finds it."""
    row = tx.run(SALE_BY_KEY, {"key": key}).fetchone()
    return sale_rec(row) if row else None


def load_sale_tendered(tx: Tx, key: str) -> tuple[SaleRec | None, bool]:
    """load_sale, and whether a payment is taken on the sale in the same read."""
    row = tx.run(SALE_TENDERED_BY_KEY, {"key": key}).fetchone()
    return (sale_rec(row[:-1]), bool(row[-1])) if row else (None, False)


def load_sale_member(tx: Tx, key: str) -> tuple[SaleRec | None, str | None]:
    """load_sale, and the member on the sale (None without one) in the same read."""
    row = tx.run(SALE_MEMBER_BY_KEY, {"key": key}).fetchone()
    return (sale_rec(row[:-1]), row[-1]) if row else (None, None)


def open_sale(tx: Tx, till_id: str) -> SaleRec | None:
    row = tx.run(OPEN_SALE, {"till_id": till_id}).fetchone()
    return sale_rec(row) if row else None


def lines(tx: Tx, sale_id: str) -> list[LineRec]:
    return [LineRec(*row) for row in tx.run(LINES, {"sale_id": sale_id})]


def tenders(tx: Tx, sale_id: str) -> list[TenderRec]:
    out = [TenderRec(*row) for row in tx.run(TENDERS, {"sale_id": sale_id})]
    for t in out:
        t.created_at = read_time(t.created_at)
    return out


def scalar(tx: Tx, stmt: Any, params: dict[str, Any]) -> Any:
    row = tx.run(stmt, params).fetchone()
    return row[0] if row else None


def insert_sale(tx: Tx, sale: SaleRec) -> None:
    row = _row(sale, _names(SaleRec))
    row["created_at"] = sql_time(sale.created_at)
    tx.run(INSERT_SALE, row)


def insert_lines(tx: Tx, new: Iterable[LineRec]) -> None:
    names = _names(LineRec)
    tx.run_many(INSERT_LINE, [_row(line, names) for line in new])


def insert_tender(tx: Tx, tender: TenderRec) -> None:
    row = _row(tender, _names(TenderRec))
    row["created_at"] = sql_time(tender.created_at)
    tx.run(INSERT_TENDER, row)


def update_lines(tx: Tx, changed: Iterable[LineRec]) -> None:
    rows = [{"line_sale": l.sale_id, "line_id": l.id, **_row(l, _CHANGED)} for l in changed]
    if rows:
        tx.run_many(_LINE_CHANGES, rows)
