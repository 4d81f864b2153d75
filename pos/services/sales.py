"""Building a sale at the till: lines, discounts, park/resume, void, tenders. Each call is one transaction."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from pos.adapters.tables import Product, Sale, SaleLine, TenderRow
from pos.domain.errors import Conflict, DomainError, NotFound
from pos.domain.money import parse_percent
from pos.domain.pricing import Discount, needs_approval
from pos.domain.tenders import Tender, check_new_tender

from . import auth
from .auth import Actor
from .catalog import find_product, tax_rate
from .context import StoreContext
from .records import audit
from .sale_views import lines_of, load_sale, price, sale_json, tenders_of
from .shifts import require_shift

MAX_QTY = 9999


def _load_for_edit(s: Session, actor: Actor, sale_id: str, states: tuple[str, ...]) -> Sale:
    sale = load_sale(s, sale_id)
    if sale.state not in states:
        raise Conflict(f"sale_{sale.state}", f"sale is {sale.state}; it cannot be changed")
    if sale.state == "open" and sale.till_id != actor.till_id:
        raise Conflict("other_till", f"this sale is open on till {sale.till_id}")
    return sale


def _run(ctx: StoreContext, actor: Actor, sale_id: str, change: Callable[[Session, Sale], None],
         states: tuple[str, ...] = ("open",)) -> dict[str, Any]:
    """One transaction on one sale of this till; the fresh sale goes to the till's displays after commit."""
    with ctx.db.unit_of_work() as s:
        sale = _load_for_edit(s, actor, sale_id, states)
        change(s, sale)
        s.flush()
        lines = lines_of(s, sale.id)
        _store_totals(sale, lines)
        view = sale_json(ctx, sale, lines, tenders_of(s, sale.id))
    ctx.notify("sale", view)
    return view


def _store_totals(sale: Sale, lines: list[SaleLine]) -> None:
    priced = price(sale, lines)
    for line, p in zip(lines, priced.lines):
        line.line_discount, line.sale_discount, line.net = p.line_discount, p.sale_discount, p.net
    sale.subtotal, sale.discount_total = priced.subtotal, priced.discount_total
    sale.tax_total, sale.total = priced.tax_total, priced.total


def _check_qty(qty: int) -> None:
    if qty <= 0:
        raise DomainError("bad_quantity", "quantity must be at least 1")
    if qty > MAX_QTY:
        raise DomainError("bad_quantity", f"quantity cannot be more than {MAX_QTY}")


def _no_tenders(s: Session, sale: Sale) -> None:
    if s.scalar(select(func.count(TenderRow.id)).where(TenderRow.sale_id == sale.id)):
        raise Conflict("tenders_taken", "payments are already taken on this sale; remove them before changing lines")


def create_sale(ctx: StoreContext, actor: Actor) -> tuple[dict[str, Any], bool]:
    """The till's open sale, or a new one; a till has at most one open sale."""
    with ctx.db.unit_of_work() as s:
        shift = require_shift(s, actor.till_id)
        sale = s.scalar(select(Sale).where(Sale.till_id == actor.till_id, Sale.state == "open"))
        created = sale is None
        if sale is None:
            sale = Sale(till_id=actor.till_id, shift_id=shift.id, staff_id=actor.staff_id, created_at=ctx.clock())
            s.add(sale)
            s.flush()
        view = sale_json(ctx, sale, lines_of(s, sale.id), tenders_of(s, sale.id))
    ctx.notify("sale", view)
    return view, created


def add_line(ctx: StoreContext, actor: Actor, sale_id: str, *, barcode: str | None = None, sku: str | None = None,
             qty: int = 1) -> dict[str, Any]:
    """Scan or key an item; the same item again adds to its line (at the price of the first scan)."""
    _check_qty(qty)

    def change(s: Session, sale: Sale) -> None:
        _no_tenders(s, sale)
        product: Product = find_product(s, barcode=barcode, sku=sku)
        lines = lines_of(s, sale.id)
        same = next((l for l in lines if l.sku == product.sku and not l.discount_kind), None)
        if same is not None:
            _check_qty(same.qty + qty)
            same.qty += qty
            same.position = max(l.position for l in lines) + 1
            return
        s.add(SaleLine(sale_id=sale.id, position=max((l.position for l in lines), default=0) + 1, sku=product.sku,
                       barcode=product.barcode, name=product.name, unit_price=product.price, qty=qty,
                       tax_group=product.tax_group, tax_rate_bp=tax_rate(s, product.tax_group)))

    return _run(ctx, actor, sale_id, change)


def _line(s: Session, sale: Sale, line_id: str) -> SaleLine:
    line = s.get(SaleLine, line_id)
    if line is None or line.sale_id != sale.id:
        raise NotFound("unknown_line", f"line {line_id} is not on this sale")
    return line


def set_quantity(ctx: StoreContext, actor: Actor, sale_id: str, line_id: str, qty: int) -> dict[str, Any]:
    _check_qty(qty)

    def change(s: Session, sale: Sale) -> None:
        _no_tenders(s, sale)
        _line(s, sale, line_id).qty = qty

    return _run(ctx, actor, sale_id, change)


def remove_line(ctx: StoreContext, actor: Actor, sale_id: str, line_id: str) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> None:
        _no_tenders(s, sale)
        line = _line(s, sale, line_id)
        audit(s, ctx, "line_void", till_id=actor.till_id, requested_by=actor.staff_id, ref_id=sale.id,
              detail={"sku": line.sku, "qty": line.qty, "unit_price": line.unit_price})
        s.delete(line)

    return _run(ctx, actor, sale_id, change)


def apply_discount(ctx: StoreContext, actor: Actor, sale_id: str, kind: str, value: Decimal | int,
                   line_id: str | None = None, approval: dict[str, str] | None = None) -> dict[str, Any]:
    """A line or whole-sale discount (amount in Rupiah or percent); above the limit a manager approves."""
    if kind not in ("amount", "percent"):
        raise DomainError("bad_discount", "discount kind is 'amount' or 'percent'")
    try:
        raw = parse_percent(value) if kind == "percent" else int(Decimal(str(value)))
    except (ValueError, ArithmeticError) as e:
        raise DomainError("bad_discount", str(e) if kind == "percent" else "an amount discount is whole Rupiah") from e
    if kind == "amount" and Decimal(str(value)) != raw:
        raise DomainError("bad_discount", "an amount discount is whole Rupiah")
    discount = Discount(kind, raw)  # type: ignore[arg-type]
    limit_bp = ctx.config.security.discount_limit_percent * 100
    with ctx.db.sessions() as s:
        sale = load_sale(s, sale_id)
        lines = lines_of(s, sale.id)
        if line_id is not None:
            base = next((l.unit_price * l.qty for l in lines if l.id == line_id), None)
            if base is None:
                raise NotFound("unknown_line", f"line {line_id} is not on this sale")
        else:
            base = price(sale, lines).total + price(sale, lines).sale_discount
    approver = None
    if raw and needs_approval(discount, base, limit_bp):
        approver = auth.manager_approval(ctx, actor, approval, f"a discount over {limit_bp // 100}%")

    def change(s: Session, sale: Sale) -> None:
        _no_tenders(s, sale)
        target: Any = _line(s, sale, line_id) if line_id else sale
        target.discount_kind, target.discount_value = (kind, raw) if raw else (None, None)
        audit(s, ctx, "discount", till_id=actor.till_id, requested_by=actor.staff_id, approved_by=approver,
              ref_id=sale.id, detail={"kind": kind, "value": raw, "line_id": line_id, "base": base,
                                      "approved": approver is not None})

    return _run(ctx, actor, sale_id, change)


def park(ctx: StoreContext, actor: Actor, sale_id: str) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> None:
        if not lines_of(s, sale.id):
            raise DomainError("empty_sale", "there is nothing to park")
        _no_tenders(s, sale)
        sale.state = "parked"

    return _run(ctx, actor, sale_id, change)


def parked_sales(ctx: StoreContext) -> list[dict[str, Any]]:
    with ctx.db.sessions() as s:
        sales = s.scalars(select(Sale).where(Sale.state == "parked").order_by(Sale.created_at))
        return [{"id": x.id, "till_id": x.till_id, "total": x.total, "created_at": x.created_at.isoformat(),
                 "items": len(lines_of(s, x.id))} for x in sales]


def resume(ctx: StoreContext, actor: Actor, sale_id: str) -> dict[str, Any]:
    """Bring a parked sale back onto this till; an empty open sale there gives way to it."""
    def change(s: Session, sale: Sale) -> None:
        shift = require_shift(s, actor.till_id)
        current = s.scalar(select(Sale).where(Sale.till_id == actor.till_id, Sale.state == "open"))
        if current is not None:
            if lines_of(s, current.id):
                raise Conflict("sale_open", "finish or park the current sale before resuming another")
            current.state = "voided"
            s.flush()
        sale.state, sale.till_id, sale.shift_id = "open", actor.till_id, shift.id

    return _run(ctx, actor, sale_id, change, states=("parked",))


def void(ctx: StoreContext, actor: Actor, sale_id: str, approval: dict[str, str] | None,
         reason: str | None = None) -> dict[str, Any]:
    approver = auth.manager_approval(ctx, actor, approval, "voiding a sale")

    def change(s: Session, sale: Sale) -> None:
        s.execute(delete(TenderRow).where(TenderRow.sale_id == sale.id))
        sale.state = "voided"
        audit(s, ctx, "sale_void", till_id=actor.till_id, requested_by=actor.staff_id, approved_by=approver,
              ref_id=sale.id, detail={"total": sale.total, "reason": reason})

    return _run(ctx, actor, sale_id, change, states=("open", "parked"))


def add_tender(ctx: StoreContext, actor: Actor, sale_id: str, type_: str, amount: int,
               reference: str | None = None) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> None:
        lines = lines_of(s, sale.id)
        if not lines:
            raise DomainError("empty_sale", "scan an item before taking payment")
        existing = [Tender(t.type, t.amount, t.reference) for t in tenders_of(s, sale.id)]
        check_new_tender(price(sale, lines).total, existing, Tender(type_, amount, reference))
        s.add(TenderRow(sale_id=sale.id, type=type_, amount=amount, reference=(reference or None), created_at=ctx.clock()))

    return _run(ctx, actor, sale_id, change)


def remove_tender(ctx: StoreContext, actor: Actor, sale_id: str, tender_id: str) -> dict[str, Any]:
    def change(s: Session, sale: Sale) -> None:
        tender = s.get(TenderRow, tender_id)
        if tender is None or tender.sale_id != sale.id:
            raise NotFound("unknown_tender", f"payment {tender_id} is not on this sale")
        s.delete(tender)

    return _run(ctx, actor, sale_id, change)
