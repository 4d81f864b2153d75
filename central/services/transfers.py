"""Stock transfers between stores, as central applies the stores' events: a request, its decline, the goods sent
(out of the sender's ledger, in transit) and the goods received (into the receiver's ledger). A received quantity
that differs from the sent one raises a reconciliation item for both managers.

Each event locks the transfer's row first (lock order: after the stores row, before stock levels; see feed.py),
checks that it is the right store's act at the right step, and tells both stores the transfer's new state.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.tables import ReconciliationItem, Store, Transfer, TransferLine
from central.tables.base import new_id
from common.contract.names import EventType, Topic
from common.contract.stock_events import (
    TransferDeclined,
    TransferReceived,
    TransferRequested,
    TransferSent,
)
from common.contract.stock_events import (
    TransferLine as LineIn,
)

from . import stock
from .context import CentralContext
from .envelope import Event, Handler
from .feed import FeedChange
from .payloads import Refused, parse
from .stock import Movement

DIFFERENCE = "transfer_difference"  # the reconciliation item's kind


def _locked(s: Session, transfer_id: str) -> Transfer | None:
    return s.scalar(select(Transfer).where(Transfer.id == transfer_id).with_for_update())


def _lines(s: Session, transfer_id: str) -> list[TransferLine]:
    return list(
        s.scalars(select(TransferLine).where(TransferLine.transfer_id == transfer_id).order_by(TransferLine.id))
    )


def _check_partner(s: Session, ev: Event, from_store: str, to_store: str, own: str) -> None:
    """The pushing store is the side it claims to be (`own`); the other side is another, active store."""
    if own != ev.store_id:
        raise Refused("other_store", f"the transfer names {own} as this side, the event comes from {ev.store_id}")
    if from_store == to_store:
        raise Refused("transfer_to_self", f"a transfer from {from_store} to itself")
    other = to_store if own == from_store else from_store
    if not s.scalar(select(Store.active).where(Store.id == other)):
        raise Refused("unknown_store", f"store {other} is not registered at the central store, or is disabled")


def _fresh_lines(s: Session, lines: list[LineIn], moves: bool) -> None:
    """New lines: each id once and unused, each quantity at least 1, a movement id where stock moves."""
    ids = [l.id for l in lines]
    if len(set(ids)) != len(ids) or s.scalar(select(TransferLine.id).where(TransferLine.id.in_(ids)).limit(1)):
        raise Refused("transfer_lines_mismatch", "a transfer line id is repeated or already used")
    for l in lines:
        if l.qty < 1:
            raise Refused("bad_quantity", f"line {l.sku} has quantity {l.qty}")
        if moves and not l.movement_id:
            raise Refused("transfer_lines_mismatch", f"line {l.sku} moves stock but has no movement id")


def transfer_requested(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(TransferRequested, ev.payload)
    _check_partner(s, ev, p.from_store, p.to_store, p.to_store)
    known = _locked(s, p.transfer_id)
    if known is not None:
        if (known.from_store, known.to_store) == (p.from_store, p.to_store) and known.status != "requested":
            return []  # answered before the request came back to a restored central: already further on
        raise Refused("transfer_exists", f"transfer {p.transfer_id} already exists")
    _fresh_lines(s, p.lines, moves=False)
    stock.require_skus(s, ctx, {l.sku for l in p.lines})
    now = ctx.clock()
    t = Transfer(
        id=p.transfer_id,
        from_store=p.from_store,
        to_store=p.to_store,
        status="requested",
        note=p.note,
        requested_at=now,
        updated_at=now,
    )
    s.add(t)
    s.add_all(TransferLine(id=l.id, transfer_id=t.id, sku=l.sku, requested=l.qty) for l in p.lines)
    s.flush()
    return changes(s, ctx, t)


def transfer_declined(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(TransferDeclined, ev.payload)
    t = _at_step(s, p.transfer_id, "requested", ev.store_id, "from_store")
    t.status, t.updated_at = "declined", ctx.clock()
    if p.note:
        t.note = p.note
    s.flush()
    return changes(s, ctx, t)


def _at_step(s: Session, transfer_id: str, status: str, store_id: str, side: str) -> Transfer:
    t = _locked(s, transfer_id)
    if t is None:
        raise Refused("unknown_transfer", f"transfer {transfer_id} is not at the central store")
    if getattr(t, side) != store_id:
        raise Refused("other_store_transfer", f"transfer {transfer_id} is between {t.from_store} and {t.to_store}")
    if t.status != status:
        raise Refused("transfer_state", f"transfer {transfer_id} is {t.status}, not {status}")
    return t


def transfer_sent(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(TransferSent, ev.payload)
    _check_partner(s, ev, p.from_store, p.to_store, p.from_store)
    now = ctx.clock()
    t = _locked(s, p.transfer_id)
    if t is None:  # sent without a request
        _fresh_lines(s, p.lines, moves=True)
        t = Transfer(id=p.transfer_id, from_store=p.from_store, to_store=p.to_store, status="sent", note=p.note)
        s.add(t)
        s.add_all(TransferLine(id=l.id, transfer_id=t.id, sku=l.sku, sent=l.qty) for l in p.lines)
    else:  # a request accepted: its lines, each with what was sent (none for a line left out)
        t = _at_step(s, p.transfer_id, "requested", ev.store_id, "from_store")
        if t.to_store != p.to_store:
            raise Refused("other_store_transfer", f"transfer {t.id} was asked for by {t.to_store}, not {p.to_store}")
        asked = {l.id: l for l in _lines(s, t.id)}
        ids = [l.id for l in p.lines]
        if len(set(ids)) != len(ids) or any(l.id not in asked or asked[l.id].sku != l.sku for l in p.lines):
            raise Refused("transfer_lines_mismatch", f"the lines sent are not the lines transfer {t.id} asked for")
        for l in p.lines:
            if l.qty < 1 or not l.movement_id:
                raise Refused("bad_quantity", f"line {l.sku} sends {l.qty} without a movement id")
        sent = {l.id: l.qty for l in p.lines}
        for line in asked.values():
            line.sent = sent.get(line.id, 0)
        t.status = "sent"
    stock.require_skus(s, ctx, {l.sku for l in p.lines})
    t.sent_at, t.updated_at = now, now
    s.flush()
    out = stock.post(
        s,
        ctx,
        ev.store_id,
        [Movement(str(l.movement_id), l.sku, -l.qty, "transfer_out", t.id) for l in p.lines],
        ev.event_id,
    )
    return out + changes(s, ctx, t)


def transfer_received(s: Session, ctx: CentralContext, ev: Event) -> list[FeedChange]:
    p = parse(TransferReceived, ev.payload)
    t = _at_step(s, p.transfer_id, "sent", ev.store_id, "to_store")
    lines = {l.id: l for l in _lines(s, t.id) if l.sent}
    ids = [l.id for l in p.lines]
    if sorted(ids) != sorted(lines) or any(lines[l.id].sku != l.sku for l in p.lines):
        raise Refused("transfer_lines_mismatch", f"the lines received are not the lines sent on transfer {t.id}")
    if any(l.qty and not l.movement_id for l in p.lines):
        raise Refused("transfer_lines_mismatch", "a received line moves stock but has no movement id")
    now = ctx.clock()
    for l in p.lines:
        lines[l.id].received = l.qty
    t.status, t.received_at, t.updated_at = "received", now, now
    s.flush()
    moves = [Movement(str(l.movement_id), l.sku, l.qty, "transfer_in", t.id) for l in p.lines if l.qty]
    out = stock.post(s, ctx, ev.store_id, moves, ev.event_id)
    return out + _differences(s, ctx, t, list(lines.values())) + changes(s, ctx, t)


def _differences(s: Session, ctx: CentralContext, t: Transfer, lines: list[TransferLine]) -> list[FeedChange]:
    """One reconciliation item at each store when what arrived is not what was sent."""
    differ = [l for l in lines if (l.received or 0) != (l.sent or 0)]
    if not differ:
        return []
    said = "; ".join(f"{l.sku} sent {l.sent}, received {l.received}" for l in differ)
    message = f"transfer {t.id[:8]} from {t.from_store} to {t.to_store}: {said}. Find out where the difference went"
    detail = {
        "transfer_id": t.id,
        "from_store": t.from_store,
        "to_store": t.to_store,
        "lines": [{"sku": l.sku, "sent": l.sent, "received": l.received} for l in differ],
    }
    now, out = ctx.clock(), []
    for location in (t.from_store, t.to_store):
        item = ReconciliationItem(
            id=new_id(),
            kind=DIFFERENCE,
            location=location,
            sku=differ[0].sku if len(differ) == 1 else None,
            ref_id=t.id,
            message=message,
            raised_at=now,
            updated_at=now,
        )
        s.add(item)
        out.append(difference_change(item, detail))
    return out


def difference_change(item: ReconciliationItem, detail: dict[str, Any]) -> FeedChange:
    return FeedChange(
        Topic.RECONCILIATION,
        item.id,
        {
            "id": item.id,
            "kind": item.kind,
            "sku": item.sku,
            "ref_id": item.ref_id,
            "message": item.message,
            "detail": detail,
            "raised_at": item.raised_at.isoformat(),
            "resolved_at": item.resolved_at.isoformat() if item.resolved_at else None,
        },
        only_store=item.location,
    )


def transfer_data(s: Session, ctx: CentralContext, t: Transfer) -> dict[str, Any]:
    names = {code: stock.location_name(s, ctx, code) for code in (t.from_store, t.to_store)}  # two primary-key probes
    return {
        "id": t.id,
        "from_store": t.from_store,
        "from_name": names[t.from_store],
        "to_store": t.to_store,
        "to_name": names[t.to_store],
        "status": t.status,
        "note": t.note,
        "lines": [
            {"id": l.id, "sku": l.sku, "requested": l.requested, "sent": l.sent, "received": l.received}
            for l in _lines(s, t.id)
        ],
        "requested_at": t.requested_at.isoformat() if t.requested_at else None,
        "sent_at": t.sent_at.isoformat() if t.sent_at else None,
        "received_at": t.received_at.isoformat() if t.received_at else None,
    }


def changes(s: Session, ctx: CentralContext, t: Transfer) -> list[FeedChange]:
    """The transfer's state for each of its two stores (and only them)."""
    data = transfer_data(s, ctx, t)
    return [FeedChange(Topic.TRANSFER, f"{t.id}:{code}", data, only_store=code) for code in (t.from_store, t.to_store)]


HANDLERS: dict[tuple[str, int], Handler] = {
    (EventType.TRANSFER_REQUESTED, 1): transfer_requested,
    (EventType.TRANSFER_DECLINED, 1): transfer_declined,
    (EventType.TRANSFER_SENT, 1): transfer_sent,
    (EventType.TRANSFER_RECEIVED, 1): transfer_received,
}
