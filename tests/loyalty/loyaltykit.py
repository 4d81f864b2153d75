"""Helpers for the loyalty tests (a plain module the test files import, like tests/synckit.py)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import requests
from sqlalchemy import select

from central.services import loyalty as central_loyalty
from central.services import member_scope, stores
from central.tables import Store
from common import member_qr
from common.contract.wire import canonical_json

TEST_KEY = member_qr.new_private_key()


def use_test_key(central: Any, **loyalty: Any) -> None:
    """Central signs with a key made for this run (never a file in the work tree)."""
    cfg = central.ctx.config.loyalty
    cfg.signing_key = TEST_KEY
    for k, v in loyalty.items():
        setattr(cfg, k, v)


def new_member(central: Any, points: int = 0, phone: str | None = None, name: str = "Budi Santoso") -> dict[str, Any]:
    """A member signed up online who has shopped at every store registered so far (so each store's feed has
    them; a store's feed carries only its own members)."""
    phone = phone or "0812" + str(uuid.uuid4().int)[:8]
    m = central_loyalty.sign_up(central.ctx, name, phone)
    with central.ctx.db.unit_of_work() as s:
        granted = []  # each store's default offline allowance, as a first sale there would grant it
        for store_id in s.scalars(select(Store.id).order_by(Store.id)):
            granted += member_scope.link(s, central.ctx, m["id"], store_id) or []
        central_loyalty.publish(s, central.ctx, {m["id"]}, granted)
    if points:
        m = central_loyalty.adjust(central.ctx, m["id"], points, "opening balance")
    return m


def add_store(central: Any, store_id: str) -> str:
    return stores.add_store(central.ctx, store_id, store_id)


def http(central: Any, token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    s.base = central.url  # type: ignore[attr-defined]
    return s


def event(store_id: str, seq: int, type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    body = canonical_json(payload)
    return {
        "event_id": str(uuid.uuid4()),
        "store_id": store_id,
        "device_id": "T1",
        "store_seq": seq,
        "type": type_,
        "schema_version": 1,
        "payload": payload,
        "payload_hash": hashlib.sha256(body.encode()).hexdigest(),
    }


def push(central: Any, token: str, store_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    r = requests.post(
        f"{central.url}/api/v1/sync/push",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
        json={"store_id": store_id, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": events},
    )
    assert r.status_code == 200, r.text
    return r.json()


def member_sale(store_id: str, seq: int, member_id: str, qty: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A member's cash sale (two lines of Rp 3.500 x qty) and the points it earns, as the store's events."""
    from synckit_store import sale_payload

    sale = {**sale_payload(store_id, seq, qty=qty), "member_id": member_id}
    earn = {
        "entry_id": str(uuid.uuid4()),
        "member_id": member_id,
        "sale_id": sale["sale_id"],
        "points": sale["total"] // 10_000,
        "basis": sale["total"],
    }
    return event(store_id, seq, "sale.completed", sale), event(store_id, seq + 1, "loyalty.earned", earn)
