"""Completing a sale: number, totals, stock and the outbox event in ONE transaction.

What central must say first (a points hold captured, an online cart checked out) is asked with no transaction
open, then the sale is recorded in its own short one (central_steps.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.db import Tx, sql_time
from common.errors import Conflict, DomainError, NotFound
from common.tables import new_seq_id
from pos.adapters import sale_rows as rows
from pos.adapters.sale_rows import LineRec, SaleRec
from pos.adapters.tables import Sale, SaleLine, StockMovement, receipt_counter
from pos.domain.shifts import receipt_number

from . import central_steps, till_sale
from .auth import Actor
from .central_outcome import CentralSteps, remember
from .context import StoreContext
from .records import emit_event_in, next_value, next_value_in
from .sale_views import sale_json

# Built once and run by the driver as compiled SQL (common.db.Tx): completion is the checkout's one durable write,
# so it is kept to a few statements and no ORM (bench/checkout.py measures it against a raw SQLite commit).
_SALES = Sale.__table__
_MOVEMENTS = insert(StockMovement.__table__).values(  # every column but `seq`, the rowid SQLite gives
    {c.name: bindparam(c.name) for c in StockMovement.__table__.c if not c.primary_key}
)
_LINES = SaleLine.__table__
_FIX_LINES = (
    update(_LINES)
    .where(_LINES.c.sale_id == bindparam("line_sale"), _LINES.c.id == bindparam("line_id"))
    .values(line_discount=bindparam("ld"), sale_discount=bindparam("sd"), net=bindparam("net"))
)
_FINAL = (
    "number",
    "state",
    "completed_at",
    "staff_id",
    "subtotal",
    "discount_total",
    "tax_total",
    "total",
    "rounding",
    "paid",
    "change",
)
_FINISH_SALE = (
    update(_SALES)
    .where(_SALES.c.id == bindparam("sale_id"), _SALES.c.state == "open")
    .values({k: bindparam(k) for k in _FINAL})
)


def next_receipt_number(db: Session | Tx, ctx: StoreContext, till_id: str) -> str:
    """The till's next number, gap-free because it is taken inside the caller's transaction (the till is the
    sale's or the signed-in cashier's: one the store has)."""
    name = receipt_counter(till_id)
    seq = next_value_in(db, name) if isinstance(db, Tx) else next_value(db, name)
    return receipt_number(ctx.store_id, till_id, seq)


def complete(ctx: StoreContext, actor: Actor, sale_id: str) -> dict[str, Any]:
    steps = CentralSteps(sale_id)
    for _ in range(3):  # a sale whose payments keep changing while central is asked gives up below
        try:
            view = _record(ctx, actor, sale_id, steps)
        except central_steps.AskCentralFirst as first:
            central_steps.take(ctx, first.pending, steps)
            continue
        ctx.notify("sale", view)
        ctx.notify("sale_completed", view)
        return view
    raise Conflict("sale_changed", "the sale changed while it was being completed; try again")


def pay(
    ctx: StoreContext, actor: Actor, sale_id: str, type_: str, amount: int, reference: str | None = None
) -> dict[str, Any]:
    """The till's payment key: the payment and, when nothing is left to pay, the sale's completion, in one durable
    transaction (one request: a closed browser or a dropped connection cannot leave a sale paid and open). A
    completion that must ask central first (an online cart, a points hold) is not begun here: the payment is kept and
    the sale stays open with nothing left to pay, as after add_tender, and complete() asks central and finishes it."""
    with ctx.db.transaction() as tx:
        paid = till_sale.add_tender_in(tx, ctx, actor, sale_id, type_, amount, reference)
        view = paid.view
        if view["remaining"] == 0:
            with suppress(central_steps.AskCentralFirst):  # raised before the completion writes anything
                view = _record_in(tx, ctx, actor, sale_id, CentralSteps(sale_id), paid)
    ctx.notify("sale", view)
    if view["state"] == "completed":
        ctx.notify("sale_completed", view)
    return view


def _record(ctx: StoreContext, actor: Actor, sale_id: str, steps: CentralSteps) -> dict[str, Any]:
    with ctx.db.transaction() as tx:
        return _record_in(tx, ctx, actor, sale_id, steps)


def _record_in(
    tx: Tx, ctx: StoreContext, actor: Actor, sale_id: str, steps: CentralSteps, paid: till_sale.Edited | None = None
) -> dict[str, Any]:
    """The sale recorded as completed inside `tx`; `paid`: the sale as a payment in this same transaction left it
    (open on this till, with lines: checked there), so it is not read and priced again."""
    if paid is not None:
        sale, lines, tenders, view = paid
        member_id = rows.scalar(tx, rows.SALE_MEMBER_ID, {"sale_id": sale.id})
    else:
        found, member_id = rows.load_sale_member(tx, sale_id)  # central checks a points event against the member
        if found is None:
            raise NotFound("unknown_sale", f"sale {sale_id} not found")
        sale = found
        if sale.state == "completed":
            raise Conflict("already_completed", f"sale is already completed as {sale.number}", number=sale.number)
        if sale.state != "open":
            raise Conflict(f"sale_{sale.state}", f"sale is {sale.state}; it cannot be completed")
        if sale.till_id != actor.till_id:
            raise Conflict("other_till", f"this sale is open on till {sale.till_id}")
        lines, tenders = rows.lines(tx, sale.id), rows.tenders(tx, sale.id)
        if not lines:
            raise DomainError("empty_sale", "there is nothing to sell: scan an item first")
        view = sale_json(ctx, sale, lines, tenders)
    if view["remaining"] > 0:
        raise DomainError(
            "underpaid", f"{view['remaining']} still to pay before the sale can finish", remaining=view["remaining"]
        )
    if asked := central_steps.pending(tx, ctx, sale, view, steps):
        raise central_steps.AskCentralFirst(asked)  # rolls back: nothing is written yet
    remember(tx, steps)
    now = ctx.clock()
    sale.number = number = next_receipt_number(tx, ctx, sale.till_id)
    sale.staff_id = actor.staff_id
    final = dict(
        zip(
            _FINAL,
            (
                number,
                "completed",
                sql_time(now),
                actor.staff_id,
                view["subtotal"],
                view["discount"],
                view["tax"],
                view["total"],
                view["rounding"],
                view["paid"],
                view["change"],
            ),
            strict=True,
        )
    )
    if tx.run(_FINISH_SALE, {"sale_id": sale.id, **final}).rowcount != 1:
        raise Conflict("sale_changed", "the sale changed while it was being completed; try again")
    # Every change to an open sale stores these already; write only what slipped through.
    if stale := [
        {
            "line_sale": sale.id,
            "line_id": line.id,
            "ld": lv["line_discount"],
            "sd": lv["sale_discount"],
            "net": lv["net"],
        }
        for line, lv in zip(lines, view["lines"], strict=True)
        if (line.line_discount, line.sale_discount, line.net) != (lv["line_discount"], lv["sale_discount"], lv["net"])
    ]:
        tx.run_many(_FIX_LINES, stale)
    at = sql_time(now)
    tx.run_many(
        _MOVEMENTS,
        [
            {
                "id": new_seq_id(),
                "sku": l.sku,
                "qty": -l.qty,
                "kind": "sale",
                "reason": None,
                "ref_id": sale.id,
                "staff_id": actor.staff_id,
                "created_at": at,
            }
            for l in lines
        ],
    )
    view.update(number=number, state="completed", completed_at=now.isoformat(), staff_id=actor.staff_id)
    emit_event_in(tx, ctx, EventType.SALE_COMPLETED, _event_payload(ctx, sale, view, member_id, lines), sale.till_id)
    if ctx.after_sale.steps:  # by the driver in this transaction (an ORM session only for a step that asks)
        ctx.after_sale.sale_completed(tx, view, member_id)
    return view  # complete() or pay() tells the till's screens, once


def _event_payload(
    ctx: StoreContext, sale: SaleRec, view: dict[str, Any], member_id: str | None, lines: Sequence[LineRec]
) -> dict[str, Any]:
    promoted = {l.id: l.promotion_id for l in lines if l.promotion_id}
    return {
        "sale_id": sale.id,
        "number": sale.number,
        "store_id": ctx.store_id,
        "till_id": sale.till_id,
        "member_id": member_id,
        "shift_id": sale.shift_id,
        "staff_id": sale.staff_id,
        "completed_at": view["completed_at"],
        "timezone": ctx.config.store.timezone,  # sale.completed v2: head office reads the store's local day
        "currency": ctx.config.currency.code,
        "lines": [
            {
                k: l[k]
                for k in (
                    "id",
                    "sku",
                    "name",
                    "qty",
                    "unit_price",
                    "line_discount",
                    "sale_discount",
                    "net",
                    "tax_group",
                    "measure",  # sale.completed v3: a weighed line's qty is grams, its unit price per kg
                )
            }
            # sale.completed v4: the central promotion the whole line discount came from (central checks it)
            | ({"promotion_id": promoted[l["id"]]} if l["id"] in promoted else {})
            for l in view["lines"]
        ],
        "tenders": [{"id": t["id"], "type": t["type"], "amount": t["amount"]} for t in view["tenders"]],
        "taxes": view["taxes"],
        "subtotal": view["subtotal"],
        "discount": view["discount"],
        "tax": view["tax"],
        "rounding": view["rounding"],
        "total": view["total"],
        "paid": view["paid"],
        "change": view["change"],
    } | (  # sale.completed v5: the manager who approved the cashier's discounts (central checks them)
        {"discount_approved_by": sale.discount_approved_by} if sale.discount_approved_by else {}
    )
