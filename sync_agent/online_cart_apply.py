"""Pulled online carts: the copy of each cart reserved at this store, so a kiosk can open it while offline."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from common.tables import utcnow
from common.timestamps import parse_time
from pos.adapters.tables import OnlineCartCopy


def _online_cart(s: Session, d: dict[str, Any]) -> None:
    row = s.get(OnlineCartCopy, d["id"])
    if row is None:
        # A code belongs to one cart forever; a stale row under the same code cannot exist, but never block on one.
        s.execute(delete(OnlineCartCopy).where(OnlineCartCopy.code == d["code"]))
        row = OnlineCartCopy(id=d["id"], code=d["code"])
        s.add(row)
    if row.status == "checked_out" and d.get("status") != "checked_out":
        return  # this store checked it out itself; an older copy from central does not reopen it
    row.status, row.lines, row.total = (
        d.get("status") or "open",
        json.dumps(d.get("lines") or [], ensure_ascii=False),
        int(d.get("total") or 0),
    )
    row.pickup_store, row.reserved_until = d.get("pickup_store"), parse_time(d.get("reserved_until"))
    row.expires_at, row.synced_at = parse_time(d.get("expires_at")), utcnow()
    s.flush()


TOPICS = {"online_cart": _online_cart}
