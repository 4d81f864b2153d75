"""Stock transfers with another store: ask for stock, send it (a new transfer or a request accepted), decline a
request, receive what was sent with the quantities that arrived.

Each act is one transaction: the transfer, its stock movements (reason transfer_out / transfer_in) and its outbox
event together. A store learns of a transfer addressed to it only from central's feed, so it can never receive
goods whose sending central does not hold yet; it can receive them offline once it has them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import Conflict, DomainError, NotFound
from common.tables import new_id, new_seq_id
from pos.adapters.tables import Product, Transfer, TransferLine

from .auth import Actor
from .catalog import on_hand
from .context import StoreContext
from .records import audit, emit_event
from .stock_admin import DEVICE, MAX_QTY, check_qty, find_item, write_movements
from .transfer_views import lines_of, partners, transfer_view

MAX_NOTE = 200
OUT, IN = "transfer_out", "transfer_in"  # the movements' reasons (kind "transfer")


def _note(note: str | None) -> str | None:
    return (note or "").strip()[:MAX_NOTE] or None


def _partner(s: Session, ctx: StoreContext, store_id: str) -> tuple[str, str]:
    store_id = (store_id or "").strip()
    if store_id == ctx.store_id:
        raise DomainError("transfer_to_self", "choose another store: a store cannot transfer stock to itself")
    known = partners(s, ctx.store_id)
    if store_id not in known:
        raise NotFound(
            "unknown_store",
            f"store {store_id or '(none)'} is not known here: choose one from the list (sync first if it is new)",
            store=store_id,
        )
    return store_id, known[store_id]


def _items(s: Session, lines: list[tuple[str, int]]) -> list[tuple[Product, int]]:
    """The lines as products and quantities, one line per product (the same product twice is added up)."""
    if not lines:
        raise DomainError("missing_item", "scan or type at least one item")
    out: dict[str, tuple[Product, int]] = {}
    for code, qty in lines:
        check_qty(qty, "transfer quantity")
        p = find_item(s, code)
        out[p.sku] = (p, out[p.sku][1] + qty if p.sku in out else qty)
        check_qty(out[p.sku][1], "transfer quantity")
    return list(out.values())


def _own(s: Session, transfer_id: str, status: str, side: str, ctx: StoreContext) -> Transfer:
    t = s.get(Transfer, transfer_id or "")
    if t is None or getattr(t, side) != ctx.store_id:
        raise NotFound("unknown_transfer", f"there is no transfer {transfer_id} for this store to act on")
    if t.status != status:
        raise Conflict("transfer_state", f"this transfer is already {t.status}", status=t.status)
    return t


def _quantities(lines: list[TransferLine], qtys: dict[str, int] | None, default: str) -> dict[str, int]:
    """Each line's quantity: as typed, or the line's `default` figure when none was typed."""
    ids = {l.id for l in lines}
    unknown = sorted(set(qtys or {}) - ids)
    if unknown:
        raise DomainError("transfer_lines", "a quantity names a line that is not on this transfer", line=unknown[0])
    out = {}
    for l in lines:
        qty = (qtys or {}).get(l.id, getattr(l, default) or 0)
        if not isinstance(qty, int) or isinstance(qty, bool) or not 0 <= qty <= MAX_QTY:
            raise DomainError("bad_quantity", f"the quantity must be a whole number from 0 to {MAX_QTY}", value=qty)
        out[l.id] = qty
    return out


def request(
    ctx: StoreContext, actor: Actor, from_store: str, lines: list[tuple[str, int]], note: str | None = None
) -> dict[str, Any]:
    """Ask another store for stock; it sees the request once both have synced, and accepts or declines it."""
    now, transfer_id = ctx.clock(), new_id()
    with ctx.db.unit_of_work() as s:
        store_id, name = _partner(s, ctx, from_store)
        items = _items(s, lines)
        t = Transfer(
            id=transfer_id,
            from_store=store_id,
            from_name=name,
            to_store=ctx.store_id,
            to_name=ctx.config.store.name,
            status="requested",
            note=_note(note),
            created_at=now,
            updated_at=now,
            staff_id=actor.staff_id,
        )
        rows = [TransferLine(id=new_id(), transfer_id=t.id, sku=p.sku, name=p.name, requested=qty) for p, qty in items]
        s.add(t)
        s.add_all(rows)
        emit_event(
            s,
            ctx,
            EventType.TRANSFER_REQUESTED,
            {
                "transfer_id": t.id,
                "from_store": t.from_store,
                "to_store": t.to_store,
                "note": t.note,
                "staff_id": actor.staff_id,
                "lines": [{"id": l.id, "sku": l.sku, "qty": l.requested} for l in rows],
            },
            DEVICE,
        )
        audit(s, ctx, "transfer_request", requested_by=actor.staff_id, ref_id=t.id, detail={"from": store_id})
        s.flush()
        return transfer_view(s, ctx, t)


def send(
    ctx: StoreContext, actor: Actor, to_store: str, lines: list[tuple[str, int]], note: str | None = None
) -> dict[str, Any]:
    """Goods out to another store: they leave this store's stock now and are in transit until it receives them."""
    now, transfer_id = ctx.clock(), new_id()
    with ctx.db.unit_of_work() as s:
        store_id, name = _partner(s, ctx, to_store)
        items = _items(s, lines)
        t = Transfer(
            id=transfer_id,
            from_store=ctx.store_id,
            from_name=ctx.config.store.name,
            to_store=store_id,
            to_name=name,
            status="requested",
            note=_note(note),
            created_at=now,
        )
        rows = [TransferLine(id=new_id(), transfer_id=t.id, sku=p.sku, name=p.name) for p, _ in items]
        s.add(t)
        s.add_all(rows)
        return _dispatch(s, ctx, actor, t, {r.id: qty for r, (_, qty) in zip(rows, items, strict=True)}, now)


def accept(ctx: StoreContext, actor: Actor, transfer_id: str, qtys: dict[str, int] | None = None) -> dict[str, Any]:
    """Send what another store asked for (each line as asked, or as typed: 0 leaves a line out)."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        t = _own(s, transfer_id, "requested", "from_store", ctx)
        sending = {k: v for k, v in _quantities(lines_of(s, t.id), qtys, "requested").items() if v}
        if not sending:
            raise DomainError("missing_item", "send at least one item, or decline the request")
        return _dispatch(s, ctx, actor, t, sending, now)


def _dispatch(
    s: Session, ctx: StoreContext, actor: Actor, t: Transfer, sending: dict[str, int], now: datetime
) -> dict[str, Any]:
    """The goods leave: never more than on hand (count the shelf first if the figure is wrong)."""
    lines = lines_of(s, t.id)
    stock = on_hand(s, sorted({l.sku for l in lines}))
    moves: list[dict[str, Any]] = []
    for l in lines:
        l.sent = sending.get(l.id, 0)
        if l.sent > stock[l.sku]:
            raise Conflict(
                "not_enough_stock",
                f"cannot send {l.sent} {l.name}: only {stock[l.sku]} on hand. Count the shelf if the figure is wrong",
                name=l.name,
                qty=l.sent,
                on_hand=stock[l.sku],
            )
        if l.sent:
            moves.append({"id": new_seq_id(), "sku": l.sku, "qty": -l.sent, "line": l.id})
    write_movements(
        s,
        [
            {
                "id": m["id"],
                "sku": m["sku"],
                "qty": m["qty"],
                "kind": "transfer",
                "reason": OUT,
                "ref_id": t.id,
                "staff_id": actor.staff_id,
            }
            for m in moves
        ],
        now,
    )
    t.status, t.sent_at, t.updated_at, t.staff_id = "sent", now, now, actor.staff_id
    emit_event(
        s,
        ctx,
        EventType.TRANSFER_SENT,
        {
            "transfer_id": t.id,
            "from_store": t.from_store,
            "to_store": t.to_store,
            "note": t.note,
            "staff_id": actor.staff_id,
            "lines": [{"id": m["line"], "sku": m["sku"], "qty": -m["qty"], "movement_id": m["id"]} for m in moves],
        },
        DEVICE,
    )
    audit(s, ctx, "transfer_send", requested_by=actor.staff_id, ref_id=t.id, detail={"to": t.to_store})
    s.flush()
    return transfer_view(s, ctx, t)


def decline(ctx: StoreContext, actor: Actor, transfer_id: str, note: str | None = None) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        t = _own(s, transfer_id, "requested", "from_store", ctx)
        t.status, t.updated_at, t.staff_id = "declined", ctx.clock(), actor.staff_id
        t.note = _note(note) or t.note
        emit_event(
            s,
            ctx,
            EventType.TRANSFER_DECLINED,
            {"transfer_id": t.id, "note": _note(note), "staff_id": actor.staff_id},
            DEVICE,
        )
        audit(s, ctx, "transfer_decline", requested_by=actor.staff_id, ref_id=t.id, detail={"to": t.to_store})
        s.flush()
        return transfer_view(s, ctx, t)


def receive(ctx: StoreContext, actor: Actor, transfer_id: str, qtys: dict[str, int] | None = None) -> dict[str, Any]:
    """What arrived, per line (as sent unless typed): into this store's stock; a difference goes to both managers."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as s:
        t = _own(s, transfer_id, "sent", "to_store", ctx)
        lines = [l for l in lines_of(s, t.id) if l.sent]
        got = _quantities(lines, qtys, "sent")
        moves = {l.id: new_seq_id() for l in lines if got[l.id]}
        write_movements(
            s,
            [
                {
                    "id": moves[l.id],
                    "sku": l.sku,
                    "qty": got[l.id],
                    "kind": "transfer",
                    "reason": IN,
                    "ref_id": t.id,
                    "staff_id": actor.staff_id,
                }
                for l in lines
                if l.id in moves
            ],
            now,
        )
        for l in lines:
            l.received = got[l.id]
        t.status, t.received_at, t.updated_at, t.staff_id = "received", now, now, actor.staff_id
        emit_event(
            s,
            ctx,
            EventType.TRANSFER_RECEIVED,
            {
                "transfer_id": t.id,
                "staff_id": actor.staff_id,
                "lines": [
                    {
                        "id": l.id,
                        "sku": l.sku,
                        "qty": got[l.id],
                        **({"movement_id": moves[l.id]} if l.id in moves else {}),
                    }
                    for l in lines
                ],
            },
            DEVICE,
        )
        audit(s, ctx, "transfer_receive", requested_by=actor.staff_id, ref_id=t.id, detail={"from": t.from_store})
        s.flush()
        return transfer_view(s, ctx, t)


def find(ctx: StoreContext, transfer_id: str) -> dict[str, Any]:
    with ctx.db.sessions() as s:
        t = s.get(Transfer, transfer_id or "")
        if t is None or ctx.store_id not in (t.from_store, t.to_store):
            raise NotFound("unknown_transfer", f"there is no transfer {transfer_id} here")
        return transfer_view(s, ctx, t)
