"""Applying each event type to the central database; every handler validates before it writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Update, bindparam, or_, update
from sqlalchemy.orm import Session

from central.tables import Refund, RefundLine, Sale, SaleLine, ShiftRecord, Store, Tender
from common.contract.events import EVENTS
from common.contract.names import EventType
from common.contract.sale_events import RefundCompleted, SaleCompleted, SaleCompletedV2, ShiftClosed, ShiftOpened
from common.contract.stock_events import StockMoved
from common.timestamps import parse_time

from . import cash_moves, claim_checks, loyalty, member_scope, refund_staff, sale_versions, stock
from .cart_checkout import HANDLERS as CART_HANDLERS
from .context import CentralContext
from .envelope import Event, Handler
from .feed import FeedChange
from .loyalty_events import HANDLERS as LOYALTY_HANDLERS
from .order_events import HANDLERS as ORDER_HANDLERS
from .payloads import Refused, Rejection, parse
from .sale_checks import check_refund, check_sale, sale_facts
from .statements import insert_into, insert_rows
from .stock import Movement, require_skus
from .transfers import HANDLERS as TRANSFER_HANDLERS


def sale_completed(session: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    """Versions 1 to 5 alike (a version 1 sale has no time zone, version 3 lines say their measure, version 4 lines
    their promotion, version 5 who approved the cashier's discounts: claim_checks); each parsed with its own model."""
    p = parse(EVENTS[(ev.type, ev.schema_version)], ev.payload)
    assert isinstance(p, SaleCompleted)  # every version of sale.completed is one (a V2 is a SaleCompleted too)
    gathered = session.info.get(_GATHERED)
    if gathered is not None:  # a push's run: checked and written with the sales next to it (write_gathered_sales)
        gathered.append((ev, p))
        return []
    check_sale(session, ev, p)
    require_skus(session, ctx, {l.sku for l in p.lines})
    return insert_sales(session, ctx, [(ev, p)])


_GATHERED = "omnitoko_gathered_sales"


@contextmanager
def gathering_sales(session: Session) -> Iterator[None]:
    """Inside, `sale_completed` only parses and gathers; `write_gathered_sales` checks and writes the lot."""
    session.info[_GATHERED] = []
    try:
        yield
    finally:
        session.info.pop(_GATHERED, None)


def write_gathered_sales(session: Session, ctx: CentralContext) -> list[FeedChange]:
    """The sales gathered so far: checked against facts read once for all of them, then written together."""
    sales: list[tuple[Event, SaleCompleted]] = session.info.get(_GATHERED) or []
    if not sales:
        return []
    sales, session.info[_GATHERED] = list(sales), []
    shifts, rates = sale_facts(session, [p for _, p in sales])
    for ev, p in sales:
        check_sale(session, ev, p, shifts, rates)
    require_skus(session, ctx, {l.sku for _, p in sales for l in p.lines})
    return insert_sales(session, ctx, sales)


def insert_sales(session: Session, ctx: CentralContext, sales: list[tuple[Event, SaleCompleted]]) -> list[FeedChange]:
    """Checked sales with their lines and tenders: one multi-row insert per table, and their stock movements."""
    conn, now = session.connection(), ctx.clock()
    _note_zones(conn, sales)
    unchecked = sale_versions.note(conn, sales)  # older-version discounts after the store's first v4 sale
    insert_rows(conn, Sale.__table__, [_sale_row(ev, p, now) for ev, p in sales])
    insert_rows(
        conn,
        SaleLine.__table__,
        [
            {
                "id": l.id,
                "sale_id": p.sale_id,
                "sku": l.sku,
                "name": l.name,
                "qty": l.qty,
                "unit_price": l.unit_price,
                "line_discount": l.line_discount,
                "sale_discount": l.sale_discount,
                "net": l.net,
                "tax_group": l.tax_group,
                "measure": getattr(l, "measure", "unit"),  # version 3 lines say it; earlier ones are all units
            }
            for _, p in sales
            for l in p.lines
        ],
    )
    tenders = [
        {"id": t.id, "sale_id": p.sale_id, "type": t.type, "amount": t.amount} for _, p in sales for t in p.tenders
    ]
    insert_rows(conn, Tender.__table__, tenders)
    changes = _link_members(session, ctx, sales)  # before stock: members come before stock rows in lock order
    for ev, p in sales:
        changes += stock.post(
            session, ctx, ev.store_id, [Movement(l.id, l.sku, -l.qty, "sale", p.sale_id) for l in p.lines], ev.event_id
        )
    claim_checks.raise_tasks(session, ctx, sales, unchecked)  # recorded all the same, a task when a claim fails
    return changes


def _note_zones(conn: Connection, sales: list[tuple[Event, SaleCompleted]]) -> None:
    """Each store's clock as its latest sale here names it (head office counts the store's days by it). Written only
    when it changes: the statement matches no row otherwise, and the push already holds the store's row lock."""
    latest = {ev.store_id: p.timezone for ev, p in sales if isinstance(p, SaleCompletedV2)}
    for store_id, zone in latest.items():
        conn.execute(_set_zone(), {"b_store": store_id, "b_zone": zone})


@cache
def _set_zone() -> Update:
    t = Store.__table__
    changed = or_(t.c.timezone.is_(None), t.c.timezone != bindparam("b_zone"))
    return update(t).where(t.c.id == bindparam("b_store"), changed).values(timezone=bindparam("b_zone"))


def _link_members(session: Session, ctx: CentralContext, sales: list[tuple[Event, SaleCompleted]]) -> list[FeedChange]:
    """A member sale links the member to its store even when it earns and redeems no points: that store's feed
    carries the member's balance (and any default offline allowance) from now on."""
    pairs = [(ev.store_id, p.member_id) for ev, p in sales if p.member_id]
    linked, granted = member_scope.link_sale_members(session, ctx, pairs)
    if not linked:
        return granted
    stores = {store for store, member in pairs if member in linked}
    fresh = [c for c in loyalty.changes_for(session, ctx, linked) if c.topic != "member" or c.only_store in stores]
    return fresh + granted


def _sale_row(ev: Event, p: SaleCompleted, now: datetime) -> dict[str, Any]:
    return dict(
        id=p.sale_id,
        store_id=ev.store_id,
        number=p.number,
        till_id=p.till_id,
        shift_id=p.shift_id,
        staff_id=p.staff_id,
        discount_approved_by=refund_staff.discount_approver(p),
        member_id=p.member_id,
        completed_at=parse_time(p.completed_at),
        timezone=p.timezone if isinstance(p, SaleCompletedV2) else None,
        currency=p.currency,
        subtotal=p.subtotal,
        discount=p.discount,
        tax=p.tax,
        rounding=p.rounding,
        total=p.total,
        paid=p.paid,
        change=p.change,
        event_id=ev.event_id,
        recorded_at=now,
    )


def refund_completed(session: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(EVENTS[(ev.type, ev.schema_version)], ev.payload)  # version 2 checks its cashier, approver, shift
    assert isinstance(p, RefundCompleted)  # every version of refund.completed is one
    sale = session.get(Sale, p.sale_id)
    if sale is None:
        raise Refused(
            "unknown_sale",
            f"refund {p.number} is for sale {p.sale_id}, which the central store "
            "does not have (was the sale dead-lettered?)",
        )
    if sale.store_id != ev.store_id:
        raise Refused("other_store_sale", f"sale {p.sale_id} belongs to store {sale.store_id}")
    check_refund(session, ev, p, sale)
    require_skus(session, ctx, {l.sku for l in p.lines})
    conn = session.connection()
    conn.execute(
        insert_into(Refund.__table__),
        dict(
            id=p.id,
            store_id=ev.store_id,
            number=p.number,
            sale_id=p.sale_id,
            till_id=p.till_id,
            tender_type=p.tender_type,
            amount=p.amount,
            reason=p.reason,
            created_at=parse_time(p.created_at),
            event_id=ev.event_id,
            **refund_staff.of_refund(session, ev, p.till_id),
        ),
    )
    conn.execute(
        insert_into(RefundLine.__table__),
        [
            {
                "id": l.id,
                "refund_id": p.id,
                "sale_line_id": l.sale_line_id,
                "sku": l.sku,
                "qty": l.qty,
                "amount": l.amount,
            }
            for l in p.lines
        ],
    )
    return stock.post(
        session, ctx, ev.store_id, [Movement(l.id, l.sku, l.qty, "return", p.id) for l in p.lines], ev.event_id
    )


def shift_opened(session: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(ShiftOpened, ev.payload)
    if session.get(ShiftRecord, p.shift_id) is None:
        session.add(
            ShiftRecord(
                id=p.shift_id, store_id=ev.store_id, till_id=p.till_id, state="open", opening_float=p.opening_float
            )
        )
    return []


def shift_closed(session: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(ShiftClosed, ev.payload)
    row = session.get(ShiftRecord, p.shift_id)
    if row is not None and row.store_id != ev.store_id:
        raise Rejection("other_store_shift", f"shift {p.shift_id} belongs to store {row.store_id}")
    cash_moves.check_z(session, ev, p.shift_id, p.till_id)  # its cash out and in: the moves central holds
    if row is None:
        row = ShiftRecord(id=p.shift_id, store_id=ev.store_id, till_id=p.till_id, opening_float=p.opening_float)
        session.add(row)
    row.state, row.expected_cash, row.counted_cash, row.variance = "closed", p.expected_cash, p.counted_cash, p.variance
    row.report_json = json.dumps(ev.payload, ensure_ascii=False)
    session.flush()
    return []


def _stock_event(kind: str) -> Handler:
    def apply(session: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
        p = parse(StockMoved, ev.payload)
        moves = []
        for i, l in enumerate(p.lines):
            qty = l.variance if l.variance is not None else l.qty
            if qty and not l.movement_id:
                raise Rejection("bad_payload", f"line {i + 1} ({l.sku}) moves stock but has no movement_id")
            if qty:
                moves.append(Movement(str(l.movement_id), l.sku, qty, kind, ev.event_id))
        require_skus(session, ctx, {m.sku for m in moves})
        return stock.post(session, ctx, ev.store_id, moves, ev.event_id)

    return apply


# (type, schema_version) -> handler. An unknown pair is dead-lettered, so an upgraded central can retry it.
HANDLERS: dict[tuple[str, int], Handler] = {
    (EventType.SALE_COMPLETED, 1): sale_completed,  # stores not yet upgraded (issue 19: the last two versions)
    (EventType.SALE_COMPLETED, 2): sale_completed,
    (EventType.SALE_COMPLETED, 3): sale_completed,  # issue 16: lines carry their measure (weighed goods)
    (EventType.SALE_COMPLETED, 4): sale_completed,  # lines name their promotion (checked: promotion_checks)
    (EventType.SALE_COMPLETED, 5): sale_completed,  # and who approved the cashier's discounts (manual_discount_checks)
    (EventType.REFUND_COMPLETED, 1): refund_completed,
    (EventType.REFUND_COMPLETED, 2): refund_completed,  # names its cashier, approver and shift (refund_staff)
    (EventType.SHIFT_OPENED, 1): shift_opened,
    (EventType.SHIFT_CLOSED, 1): shift_closed,
    (EventType.CASH_MOVED, 1): cash_moves.cash_moved,  # each cash move in or out of a till's drawer
    (EventType.CASH_MOVED, 2): cash_moves.cash_moved,  # with the cashier's and the manager's names
    (EventType.STOCK_RECEIVED, 1): _stock_event("receipt"),
    (EventType.STOCK_ADJUSTED, 1): _stock_event("adjustment"),
    (EventType.STOCK_COUNTED, 1): _stock_event("count"),
}
HANDLERS.update(LOYALTY_HANDLERS)  # loyalty.earned / reversed / redeemed / released (issue 5)
HANDLERS.update(CART_HANDLERS)  # cart.checked_out (issue 6)
HANDLERS.update(ORDER_HANDLERS)  # online_order.picked / packed / handed_over / shipped / cancelled (issue 17)
HANDLERS.update(TRANSFER_HANDLERS)  # transfer.requested / declined / sent / received (issue 17)
# The types this central store applies (the contract's names; dead-letter actions are not handled here yet).
KNOWN_TYPES: list[str] = sorted({t for t, _ in HANDLERS})


def handler_for(type_: str, version: int) -> Handler:
    found = HANDLERS.get((type_, version))
    if found is not None:
        return found
    if type_ in KNOWN_TYPES:
        versions = sorted(v for t, v in HANDLERS if t == type_)
        reads = f"this central store reads version {', '.join(map(str, versions))}"
        why = (
            "newer than this central store: upgrade the central store, then retry the event from the admin page"
            if version > versions[-1]
            else "older than any version this central store still reads: the store skipped an upgrade; "
            "upgrade the store (its events are kept) and retry the event"
        )
        raise Rejection("unknown_schema_version", f"{type_} schema version {version} is {why} ({reads})")
    raise Rejection(
        "unknown_event_type",
        f"event type {type_!r} is not known to the central store (known: {', '.join(KNOWN_TYPES)})",
    )
