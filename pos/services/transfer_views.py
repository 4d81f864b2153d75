"""Reading transfers for the manager: what waits for this store (requests to answer, goods to receive), what it
is waiting for, the history, the open differences, and the stores it can transfer with."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.measure import UNIT
from pos.adapters.tables import KnownStore, Product, ReconciliationItem, Transfer, TransferLine

from .catalog import on_hand
from .context import StoreContext
from .store_time import to_local

DIFFERENCE = "transfer_difference"  # central's reconciliation item for a transfer received with a difference
HISTORY = 200


def lines_of(s: Session, transfer_id: str) -> list[TransferLine]:
    return list(
        s.scalars(select(TransferLine).where(TransferLine.transfer_id == transfer_id).order_by(TransferLine.sku))
    )


def partners(s: Session, own: str) -> dict[str, str]:
    """Stores this one may transfer with: those central announced as registered and active. A place whose stock
    figures come from central but that runs no store server (the demo's TOKO-02, a warehouse) is not one: central
    would refuse the transfer after the stock had left this shelf."""
    out = {k.id: k.name or k.id for k in s.scalars(select(KnownStore).where(KnownStore.active.is_(True)))}
    out.pop(own, None)
    return dict(sorted(out.items()))


def stores(ctx: StoreContext) -> list[dict[str, str]]:
    with ctx.db.sessions() as s:
        return [{"id": k, "name": v} for k, v in partners(s, ctx.store_id).items()]


def transfer_view(s: Session, ctx: StoreContext, t: Transfer) -> dict[str, Any]:
    outgoing = t.from_store == ctx.store_id
    lines = [
        {
            "id": l.id,
            "sku": l.sku,
            "name": l.name,
            "requested": l.requested,
            "sent": l.sent,
            "received": l.received,
            "difference": (l.received - (l.sent or 0)) if l.received is not None else None,
        }
        for l in lines_of(s, t.id)
    ]
    return {
        "id": t.id,
        "short": t.id[:8].upper(),
        "direction": "out" if outgoing else "in",
        "partner": t.to_store if outgoing else t.from_store,
        "partner_name": (t.to_name if outgoing else t.from_name) or (t.to_store if outgoing else t.from_store),
        "from_store": t.from_store,
        "to_store": t.to_store,
        "status": t.status,
        "note": t.note,
        "created_at": t.created_at,
        "sent_at": t.sent_at,
        "received_at": t.received_at,
        "lines": lines,
        "units": sum(
            (l["received"] if t.status == "received" else l["sent"] or l["requested"] or 0) or 0 for l in lines
        ),
        "differs": any(l["difference"] for l in lines),
        "can_answer": outgoing and t.status == "requested",
        "can_receive": not outgoing and t.status == "sent",
    }


def board(ctx: StoreContext) -> dict[str, list[dict[str, Any]]]:
    """The transfer screen: to do here, waiting on the other store, and the latest history."""
    with ctx.db.sessions() as s:
        views = [
            transfer_view(s, ctx, t)
            for t in s.scalars(select(Transfer).order_by(Transfer.updated_at.desc()).limit(HISTORY))
        ]
        open_items = list(
            s.scalars(
                select(ReconciliationItem)
                .where(ReconciliationItem.kind == DIFFERENCE, ReconciliationItem.resolved_at.is_(None))
                .order_by(ReconciliationItem.raised_at.desc())
            )
        )
    todo = [v for v in views if v["can_answer"] or v["can_receive"]]
    with ctx.db.sessions() as s:  # what is on hand beside each line to answer or receive
        stock = on_hand(s, sorted({l["sku"] for v in todo for l in v["lines"]}))
    for v in todo:
        for l in v["lines"]:
            l["on_hand"] = stock.get(l["sku"], 0)
    waiting = [v for v in views if not (v["can_answer"] or v["can_receive"]) and v["status"] in ("requested", "sent")]
    done = [v for v in views if v["status"] in ("received", "declined")]
    differences = [
        {
            "id": i.id,
            "ref_id": i.ref_id,
            "message": i.message,
            "raised_at": to_local(ctx, i.raised_at),
            **_detail(i.detail),
        }
        for i in open_items
    ]
    with ctx.db.sessions() as s:  # the stores and products by name, as people know them, and how each is counted
        stores = {**partners(s, ctx.store_id), ctx.store_id: ctx.config.store.name or ctx.store_id}
        skus = {str(l.get("sku")) for d in differences for l in d["lines"]} | {
            l["sku"] for v in views for l in v["lines"]
        }
        found = s.execute(select(Product.sku, Product.name, Product.measure).where(Product.sku.in_(sorted(skus)))).all()
    products = {sku: (name, measure) for sku, name, measure in found}
    for v in views:  # a weighed product's figures are grams (shown and typed in kg)
        for l in v["lines"]:
            l["measure"] = products.get(l["sku"], ("", UNIT))[1]
    for d in differences:
        d["from_name"] = stores.get(d["from_store"] or "", d["from_store"])
        d["to_name"] = stores.get(d["to_store"] or "", d["to_store"])
        for l in d["lines"]:
            l["name"], l["measure"] = products.get(str(l.get("sku")), (l.get("sku"), None))
    return {"todo": todo, "waiting": waiting, "done": done, "differences": differences}


def _detail(raw: str) -> dict[str, Any]:
    try:
        d = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {"lines": d.get("lines") or [], "from_store": d.get("from_store"), "to_store": d.get("to_store")}
