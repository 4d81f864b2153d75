"""Tools for the tests of central's checks on store events: a store pushing over HTTP with its own token, what
central holds before and after (revenue, stock, points), and what a refusal must leave (dead letter, alert, flag).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import Any

import requests
from sqlalchemy import func, select

from central.services import stores
from central.tables import Alert, DeadLetter, Member, PointsEntry, Refund, Sale, StockEntry, StockLevel
from common.contract.wire import canonical_json


@dataclass
class Pusher:
    """One store's agent, as far as central can tell: its token, its store_seq counter."""

    central: Any
    store_id: str
    token: str
    seq: int = 0

    def event(self, type_: str, payload: dict[str, Any], device_id: str = "T1", version: int = 1) -> dict[str, Any]:
        """The store's next event (next store_seq), as its agent sends it."""
        self.seq += 1
        body = canonical_json(payload)
        return {
            "event_id": str(uuid.uuid4()),
            "store_id": self.store_id,
            "device_id": device_id,
            "store_seq": self.seq,
            "type": type_,
            "schema_version": version,
            "payload": payload,
            "payload_hash": hashlib.sha256(body.encode()).hexdigest(),
        }

    def send(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        r = requests.post(
            f"{self.central.url}/api/v1/sync/push",
            timeout=60,
            headers={"Authorization": f"Bearer {self.token}"},
            json={
                "store_id": self.store_id,
                "device_id": f"{self.store_id}-SYNC",
                "batch_id": str(uuid.uuid4()),
                "events": events,
            },
        )
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def push(self, type_: str, payload: dict[str, Any], device_id: str = "T1", version: int = 1) -> dict[str, Any]:
        """Push one event; the result central gave it."""
        return self.send([self.event(type_, payload, device_id, version)])[0]

    def applied(self, type_: str, payload: dict[str, Any], device_id: str = "T1", version: int = 1) -> None:
        result = self.push(type_, payload, device_id, version)
        assert result["outcome"] == "applied", result


def pusher(central: Any, store_id: str) -> Pusher:
    token = central.token if store_id == "TOKO-01" else stores.add_store(central.ctx, store_id, store_id)
    return Pusher(central, store_id, token)


def holdings(central: Any) -> dict[str, Any]:
    """What a forged event could move: revenue and refunds, every stock figure and entry, every points balance."""
    with central.ctx.db.sessions() as s:

        def one(stmt: Any) -> int:
            return int(s.scalar(stmt) or 0)

        return {
            "sales": one(select(func.count()).select_from(Sale)),
            "revenue": one(select(func.sum(Sale.total))),
            "refunds": one(select(func.count()).select_from(Refund)),
            "refunded": one(select(func.sum(Refund.amount))),
            "stock": dict(s.execute(select(StockLevel.location + "/" + StockLevel.sku, StockLevel.on_hand)).all()),
            "stock_entries": one(select(func.count()).select_from(StockEntry)),
            "balances": dict(s.execute(select(Member.id, Member.balance)).all()),
            "points_entries": one(select(func.count()).select_from(PointsEntry)),
        }


def assert_refused(
    central: Any, p: Pusher, result: dict[str, Any], code: str, before: dict[str, Any], admin: Any | None = None
) -> None:
    """Refused with `code` and a readable reason, nothing moved, dead-lettered, alerted, the store flagged."""
    assert (result["outcome"], result["code"]) == ("rejected", code), result
    assert len(result["message"]) > 20
    assert holdings(central) == before
    with central.ctx.db.sessions() as s:
        dead = s.get(DeadLetter, result["event_id"])
        assert dead is not None and (dead.store_id, dead.code, dead.reason) == (p.store_id, code, result["message"])
        alert = s.scalar(select(Alert).where(Alert.event_id == result["event_id"], Alert.kind == "event_refused"))
        assert alert is not None and alert.store_id == p.store_id and result["message"] in alert.message
    flag = next(st for st in stores.store_overview(central.ctx) if st["id"] == p.store_id)
    assert flag["refused"] >= 1 and result["message"] in (flag["last_refusal"] or "")
    if admin is not None:
        html = admin.get("/admin/").get_data(as_text=True)
        row = re.search(rf'<tr data-store="{re.escape(p.store_id)}">.*?</tr>', html, re.S)
        assert row is not None and code in row.group(0)
