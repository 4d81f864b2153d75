"""The till's hot path while a sale is under way: open a sale, scan an item, take a payment. Each call is one
short transaction committed with synchronous=NORMAL (a crash of the process keeps it; a power cut may lose the
last of them, and the sale's FULL completion makes them all durable). The till's payment key takes its payment
inside the completion's own durable transaction instead (add_tender_in, from checkout.pay).

Plain records and statements compiled once (pos.adapters.sale_rows) rather than the ORM: a scan is a handful of
indexed reads and one INSERT or UPDATE of its line (bench/checkout.py measures it). The sale row itself is not
written while it is under way: its totals are priced from its lines, and stored when it is parked, voided or
completed.
The other edits of a sale (quantity, discounts, park, void...) are in sales.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from common.db import Tx, sql_time
from common.errors import Conflict, DomainError, NotFound
from common.measure import UNIT
from common.tables import new_seq_id
from pos.adapters import sale_rows as rows
from pos.adapters.sale_rows import LineRec, SaleRec, TenderRec
from pos.domain.amounts import check_sale_amounts
from pos.domain.tenders import Tender, check_new_tender

from .auth import Actor
from .catalog import checked_rate
from .context import StoreContext
from .discount_rules import check_limit, promos_in, promote, promote_sale
from .sale_views import SaleLike, price, sale_json
from .shifts import no_shift
from .weighed import ring

MAX_QTY = 9999


def check_qty(qty: int) -> None:
    if qty <= 0:
        raise DomainError("bad_quantity", "quantity must be at least 1")
    if qty > MAX_QTY:
        raise DomainError("bad_quantity", f"quantity cannot be more than {MAX_QTY}")


def tenders_taken() -> Conflict:
    return Conflict("tenders_taken", "payments are already taken on this sale; remove them before changing lines")


def check_editable(sale: SaleLike, actor: Actor, states: tuple[str, ...] = ("open",)) -> None:
    """A sale may be changed in `states`, and an open one only from the till it is open on."""
    if sale.state not in states:
        raise Conflict(f"sale_{sale.state}", f"sale is {sale.state}; it cannot be changed")
    if sale.state == "open" and sale.till_id != actor.till_id:
        raise Conflict("other_till", f"this sale is open on till {sale.till_id}")


def open_for_edit(tx: Tx, actor: Actor, sale_id: str, *, lines_fixed: bool = False) -> SaleRec:
    """The sale, refused unless it is open on this till (and, with `lines_fixed`, unless no payment is taken)."""
    sale, tendered = rows.load_sale_tendered(tx, sale_id) if lines_fixed else (rows.load_sale(tx, sale_id), False)
    if sale is None:
        raise NotFound("unknown_sale", f"sale {sale_id} not found")
    check_editable(sale, actor)
    if tendered:
        raise tenders_taken()
    return sale


# An edit: given the open sale, its lines and tenders, change them in place and return the new lines and tenders.
Edit = Callable[[Tx, SaleRec, list[LineRec], list[TenderRec]], tuple[list[LineRec], list[TenderRec]]]


class Edited(NamedTuple):
    """An open sale as an edit left it inside its transaction: the records, and the view the till gets."""

    sale: SaleRec
    lines: list[LineRec]
    tenders: list[TenderRec]
    view: dict[str, Any]


def _edit(ctx: StoreContext, actor: Actor, sale_id: str | None, edit: Edit, *, lines_fixed: bool) -> dict[str, Any]:
    """One relaxed transaction on an open sale of this till (_edit_in); the till's screens told once it commits."""
    with ctx.db.transaction(durable=False) as tx:
        view = _edit_in(tx, ctx, actor, sale_id, edit, lines_fixed=lines_fixed).view
    ctx.notify("sale", view)
    return view


def _edit_in(tx: Tx, ctx: StoreContext, actor: Actor, sale_id: str | None, edit: Edit, *, lines_fixed: bool) -> Edited:
    """An edit of an open sale of this till inside `tx`: priced, checked, and only what changed written. With no
    `sale_id`, the till's open sale, or a new one started in `tx` (the first scan of a sale)."""
    started = False
    if sale_id is None:
        sale, started = _open_or_start(tx, ctx, actor)
        if not started:  # the till had a sale open already: the same checks as naming it
            sale = open_for_edit(tx, actor, sale.id, lines_fixed=lines_fixed)
    else:
        sale = open_for_edit(tx, actor, sale_id, lines_fixed=lines_fixed)
    tenders = [] if lines_fixed or started else rows.tenders(tx, sale.id)
    lines = [] if started else rows.lines(tx, sale.id)
    before = {l.id: l.changes() for l in lines}
    new_lines, new_tenders = edit(tx, sale, lines, tenders)
    priced = price(sale, lines)
    for line, p in zip(lines, priced.lines, strict=True):
        line.line_discount, line.sale_discount, line.net = p.line_discount, p.sale_discount, p.net
    check_sale_amounts(priced, ctx.config.currency.cash_rounding)
    check_limit(ctx, sale, lines, priced)
    rows.update_lines(tx, [l for l in lines if l.id in before and before[l.id] != l.changes()])
    if new_lines:
        rows.insert_lines(tx, new_lines)
    for tender in new_tenders:
        rows.insert_tender(tx, tender)
    # The sale's own totals are not written here: they are priced from its lines whenever it is shown, and kept on
    # its row when it is parked, voided or completed (one UPDATE and one B-tree page fewer per scan).
    if new_tenders:  # listed in the order they are read back (time as stored, then id), as every view lists them
        tenders = sorted([*tenders, *new_tenders], key=lambda t: (sql_time(t.created_at), t.id))
    return Edited(sale, lines, tenders, sale_json(ctx, sale, lines, tenders, priced))


def _open_or_start(tx: Tx, ctx: StoreContext, actor: Actor) -> tuple[SaleRec, bool]:
    """The till's open sale, or a new one (True) inserted in `tx`; refused when the till has no shift open. A till
    has at most one open sale."""
    shift_id = rows.scalar(tx, rows.OPEN_SHIFT_ID, {"till_id": actor.till_id})
    if shift_id is None:
        raise no_shift(actor.till_id)
    sale = rows.open_sale(tx, actor.till_id)
    if sale is not None:
        return sale, False
    sale = SaleRec.new(new_seq_id(), actor.till_id, shift_id, actor.staff_id, ctx.clock())
    rows.insert_sale(tx, sale)
    return sale, True


def create_sale(ctx: StoreContext, actor: Actor) -> tuple[dict[str, Any], bool]:
    """The till's open sale, or a new one; a till has at most one open sale."""
    with ctx.db.transaction(durable=False) as tx:
        sale, created = _open_or_start(tx, ctx, actor)
        if created:
            view = sale_json(ctx, sale, [], [])  # a new sale has no lines or tenders to read
        else:
            view = sale_json(ctx, sale, rows.lines(tx, sale.id), rows.tenders(tx, sale.id))
    ctx.notify("sale", view)
    return view, created


def add_line(
    ctx: StoreContext,
    actor: Actor,
    sale_id: str | None,
    *,
    barcode: str | None = None,
    sku: str | None = None,
    qty: int = 1,
    weight: str | None = None,
) -> dict[str, Any]:
    """Scan or key an item; the same item again adds to its line (at the price of the first scan). A scale label
    or a typed `weight` rings a weighed or label-priced item as a line of its own (weighed.ring). With no
    `sale_id`, into the till's open sale, or a sale started by this scan (one request and one transaction for a
    customer's first item)."""
    check_qty(qty)

    def edit(
        tx: Tx, sale: SaleRec, lines: list[LineRec], tenders: list[TenderRec]
    ) -> tuple[list[LineRec], list[TenderRec]]:
        rung = ring(tx, ctx.config.labels.layout(), barcode=barcode, sku=sku, qty=qty, weight=weight)
        p_sku, p_barcode, p_name, _, p_group, p_rate, _ = rung.product
        promos, now = promos_in(tx), ctx.clock()
        same = (
            next((l for l in lines if l.sku == p_sku and (not l.discount_kind or l.promotion_id)), None)
            if rung.measure == UNIT
            else None
        )
        if same is not None:
            check_qty(same.qty + qty)
            same.qty += qty
            same.position = max(l.position for l in lines) + 1
            lines.sort(key=lambda l: l.position)
            promote(same, promos, now)
            promote_sale(lines, promos, now)  # a mixed multi-buy's sets counted again over the sale's lines
            return [], []
        line = LineRec(
            id=new_seq_id(),
            sale_id=sale.id,
            position=max((l.position for l in lines), default=0) + 1,
            sku=p_sku,
            barcode=p_barcode,
            name=p_name,
            unit_price=rung.unit_price,
            qty=rung.qty,
            tax_group=p_group,
            tax_rate_bp=checked_rate(p_group, p_rate),
            discount_kind=None,
            discount_value=None,
            promotion_id=None,
            line_discount=0,
            sale_discount=0,
            net=0,
            refunded_qty=0,
            measure=rung.measure,
        )
        promote(line, promos, now)  # central's promotion of the day, kept for this sale once scanned
        lines.append(line)
        promote_sale(lines, promos, now)
        return [line], []

    return _edit(ctx, actor, sale_id, edit, lines_fixed=True)


def add_tender(
    ctx: StoreContext, actor: Actor, sale_id: str, type_: str, amount: int, reference: str | None = None
) -> dict[str, Any]:
    """Take a payment on an open sale of this till (one relaxed transaction); complete() finishes the sale."""
    return _edit(ctx, actor, sale_id, _tender(ctx, type_, amount, reference), lines_fixed=False)


def add_tender_in(
    tx: Tx, ctx: StoreContext, actor: Actor, sale_id: str, type_: str, amount: int, reference: str | None = None
) -> Edited:
    """add_tender inside the caller's transaction (checkout.pay: the payment and the completion it allows), the sale
    as it left it."""
    return _edit_in(tx, ctx, actor, sale_id, _tender(ctx, type_, amount, reference), lines_fixed=False)


def _tender(ctx: StoreContext, type_: str, amount: int, reference: str | None) -> Edit:
    def edit(
        tx: Tx, sale: SaleRec, lines: list[LineRec], tenders: list[TenderRec]
    ) -> tuple[list[LineRec], list[TenderRec]]:
        if not lines:
            raise DomainError("empty_sale", "scan an item before taking payment")
        existing = [Tender(t.type, t.amount, t.reference) for t in tenders]
        currency = ctx.config.currency
        check_new_tender(
            price(sale, lines).total,
            existing,
            Tender(type_, amount, reference),
            currency.cash_rounding,
            largest_note=currency.largest_note,
        )
        tender = TenderRec(new_seq_id(), sale.id, type_, amount, reference or None, ctx.clock())
        return [], [tender]

    return edit
