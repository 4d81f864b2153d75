"""One change of a sale at the till through the ORM, as one transaction: the sale loaded and checked, the change
run on it, its lines priced and its totals kept on the rows (new rows inserted with plain Core statements), and the
fresh sale sent to the till's displays. The edits in sales.py, and kiosk and online carts taken at the till, run
through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from common.errors import NotFound
from common.pricing import PricedSale
from pos.adapters.tables import Sale, SaleLine, TenderRow
from pos.domain.amounts import check_sale_amounts

from .auth import Actor
from .context import StoreContext
from .discount_rules import check_limit
from .sale_views import line_order, lines_of, load_sale, price, sale_json, tender_order, tenders_of
from .till_sale import check_editable, tenders_taken

_TENDER_TAKEN = (  # plain Core: one indexed probe, no ORM objects (a scan runs it)
    select(TenderRow.__table__.c.id).where(TenderRow.__table__.c.sale_id == bindparam("sale_id")).limit(1)
)
_LINE_COLUMNS = [c.key for c in SaleLine.__table__.columns]
_TENDER_COLUMNS = [c.key for c in TenderRow.__table__.columns]
_INSERT_LINE, _INSERT_TENDER = insert(SaleLine.__table__), insert(TenderRow.__table__)
_SALE_TOTALS = ("subtotal", "discount_total", "tax_total", "total")
_SET_TOTALS = update(Sale.__table__).where(Sale.__table__.c.id == bindparam("sale_id"))


@dataclass
class Loaded:
    """The sale's lines and tenders as a change left them (removed rows dropped), so that run_change need not flush
    and read them back. New rows are not added to the session: run_change inserts them, priced, with plain Core
    statements (a scan is then one INSERT and one UPDATE, with no ORM flush)."""

    lines: list[SaleLine]
    tenders: list[TenderRow]
    new_lines: list[SaleLine] = field(default_factory=list)
    new_tenders: list[TenderRow] = field(default_factory=list)


# A change may return what it loaded; None makes run_change read the lines and tenders back after a flush.
Change = Callable[[Session, Sale], Loaded | None]


def _load_for_edit(s: Session, actor: Actor, sale_id: str, states: tuple[str, ...]) -> Sale:
    sale = load_sale(s, sale_id)
    check_editable(sale, actor, states)
    return sale


def run_change(
    ctx: StoreContext,
    actor: Actor,
    sale_id: str,
    change: Change,
    states: tuple[str, ...] = ("open",),
    durable: bool = False,
) -> dict[str, Any]:
    """One transaction on one sale of this till; the fresh sale goes to the till's displays after commit.

    Not durable by default: a power cut may lose the last edits of a sale under way (never a crash of the
    process); its completion is durable and makes every edit before it so.
    """
    with ctx.db.unit_of_work(durable=durable) as s:
        sale = _load_for_edit(s, actor, sale_id, states)
        loaded = change(s, sale)
        if loaded is None:
            s.flush()
            lines, tenders = lines_of(s, sale.id), tenders_of(s, sale.id)
        else:
            lines = sorted([*loaded.lines, *loaded.new_lines], key=line_order)
            tenders = sorted([*loaded.tenders, *loaded.new_tenders], key=tender_order)
        priced = _store_totals(s, sale, lines)
        if sale.state == "open":
            check_sale_amounts(priced, ctx.config.currency.cash_rounding)
            check_limit(ctx, sale, lines, priced)
        if loaded is not None and loaded.new_lines:
            s.execute(_INSERT_LINE, [{k: getattr(l, k) for k in _LINE_COLUMNS} for l in loaded.new_lines])
        if loaded is not None and loaded.new_tenders:
            s.execute(_INSERT_TENDER, [{k: getattr(t, k) for k in _TENDER_COLUMNS} for t in loaded.new_tenders])
        view = sale_json(ctx, sale, lines, tenders, priced)
    ctx.notify("sale", view)
    return view


def _store_totals(s: Session, sale: Sale, lines: list[SaleLine]) -> PricedSale:
    """Keep the priced figures on the rows; only values that changed are written."""
    priced = price(sale, lines)
    for line, p in zip(lines, priced.lines, strict=True):
        if (line.line_discount, line.sale_discount, line.net) != (p.line_discount, p.sale_discount, p.net):
            line.line_discount, line.sale_discount, line.net = p.line_discount, p.sale_discount, p.net
    totals = dict(
        zip(_SALE_TOTALS, (priced.subtotal, priced.discount_total, priced.tax_total, priced.total), strict=True)
    )
    if any(getattr(sale, k) != v for k, v in totals.items()):
        # A plain UPDATE rather than an ORM flush (the scan's hot path); the session's Sale is told the new values.
        s.execute(_SET_TOTALS, {"sale_id": sale.id, **totals})
        for key, value in totals.items():
            set_committed_value(sale, key, value)
    return priced


def no_tenders(s: Session, sale: Sale, tenders: list[TenderRow] | None = None) -> None:
    """Lines are fixed once payment has started; pass the tenders when they are already loaded."""
    if tenders if tenders is not None else s.scalar(_TENDER_TAKEN, {"sale_id": sale.id}) is not None:
        raise tenders_taken()


def line_row(s: Session, sale: Sale, line_id: str, lines: list[SaleLine] | None = None) -> SaleLine:
    line = (
        next((l for l in lines if l.id == line_id), None) if lines is not None else s.get(SaleLine, (sale.id, line_id))
    )
    if line is None or line.sale_id != sale.id:
        raise NotFound("unknown_line", f"line {line_id} is not on this sale")
    return line
