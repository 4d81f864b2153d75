"""Pulled online orders: the paid orders central assigned to this store, so it can pick and hand them over offline.

A step this store took itself is never undone by an older copy from central (a status's rank only grows); a copy
at least as far along (central's checks applied, refunds made) replaces the local one."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from common.fulfilment import RANK
from common.tables import utcnow
from common.timestamps import parse_time
from pos.adapters.tables import OnlineOrderCopy


def _online_order(s: Session, d: dict[str, Any]) -> None:
    row = s.get(OnlineOrderCopy, d["id"])
    fresh = row is None
    if row is None:
        row = OnlineOrderCopy(id=d["id"], version=0, status=d["status"], lines=json.dumps(d.get("lines") or []))
        s.add(row)
    elif RANK.get(d["status"], 0) < RANK.get(row.status, 0):
        row.refunded = max(row.refunded or 0, int(d.get("refunded") or 0))
        return  # this store is further along: its own steps are on their way to central
    else:
        row.version = (row.version or 0) + 1  # a till holding the older copy must read it again
    row.number, row.mode, row.status, row.code_hash = d["number"], d["mode"], d["status"], d["code_hash"]
    if fresh or d["status"] != "assigned":  # an assigned copy again (a page pulled twice) keeps the scans made here
        row.lines = json.dumps(d.get("lines") or [], ensure_ascii=False)
    row.total, row.delivery_fee = int(d.get("total") or 0), int(d.get("delivery_fee") or 0)
    row.refunded = max(row.refunded or 0, int(d.get("refunded") or 0))
    row.customer, row.address = d.get("customer") or "", d.get("address") or ""
    row.courier, row.tracking = d.get("courier") or row.courier or "", d.get("tracking") or row.tracking or ""
    row.paid_at, row.updated_at = parse_time(d.get("paid_at")), utcnow()
    s.flush()


TOPICS = {"online_order": _online_order}
