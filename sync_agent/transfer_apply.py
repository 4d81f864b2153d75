"""Pulled transfers and stores: central's state of each transfer this store is part of (a request to answer, goods
on their way here, what the other store did), and the chain's stores it can transfer with.

A transfer only moves forward: central's copy may be older than what this store did since (it received the goods
and has not pushed that yet), so a copy of an earlier step changes nothing. Stock never moves here: only this
store's own acts move its stock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.tables import utcnow
from common.timestamps import parse_time
from pos.adapters.tables import KnownStore, Product, Transfer, TransferLine

RANK = {"requested": 0, "declined": 1, "sent": 1, "received": 2}


def _transfer(s: Session, d: dict[str, Any]) -> None:
    row = s.get(Transfer, d["id"])
    if row is not None and RANK.get(d["status"], -1) < RANK.get(row.status, 0):
        return  # this store is a step ahead (its own act, not yet at central)
    if row is None:
        row = Transfer(id=d["id"], created_at=parse_time(d.get("requested_at") or d.get("sent_at")) or utcnow())
        s.add(row)
    row.from_store, row.from_name = d["from_store"], d.get("from_name") or d["from_store"]
    row.to_store, row.to_name = d["to_store"], d.get("to_name") or d["to_store"]
    row.status, row.note, row.updated_at = d["status"], d.get("note"), utcnow()
    row.sent_at = row.sent_at or parse_time(d.get("sent_at"))
    row.received_at = row.received_at or parse_time(d.get("received_at"))
    lines = d.get("lines") or []
    have = {l.id: l for l in s.scalars(select(TransferLine).where(TransferLine.transfer_id == row.id))}
    names = dict(s.execute(select(Product.sku, Product.name).where(Product.sku.in_([l["sku"] for l in lines]))).all())
    for l in lines:
        line = have.get(l["id"])
        if line is None:
            line = TransferLine(id=l["id"], transfer_id=row.id, sku=l["sku"], name=names.get(l["sku"], l["sku"]))
            s.add(line)
        line.requested, line.sent, line.received = l.get("requested"), l.get("sent"), l.get("received")
    s.flush()


def _store(s: Session, d: dict[str, Any]) -> None:
    row = s.get(KnownStore, d["id"]) or KnownStore(id=d["id"])
    row.name, row.active = d.get("name") or d["id"], bool(d.get("active", True))
    s.add(row)


TOPICS = {"transfer": _transfer, "store": _store}
