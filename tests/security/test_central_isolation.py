"""At central, a store's token speaks only for that store: it cannot write another store's events, even tucked
inside its own batch or by reusing another store's event id, and nothing of the other store changes.

Already covered elsewhere (not repeated here): a batch for store B with A's token is 403
(tests/central/test_central_api.py); the pull serves only this store's view (same file); carts claimed by A cannot be
claimed, released or checked out by B (tests/carts/test_cart_claims.py::test_a_store_acts_only_for_itself); a
loyalty hold of A cannot be posted, released or listed by B (tests/loyalty/test_central_loyalty.py). Members are
chain-wide on purpose (a member shops at any store), so a member lookup by any store is not a leak.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from synckit import STORE, central, pg_url, sale_payload  # noqa: F401

from central.services import stores
from central.tables import AppliedEvent, Sale
from common.contract.wire import canonical_json

OTHER = "TOKO-02"


def event(seq: int, store_id: str, event_id: str | None = None) -> dict[str, Any]:
    payload = sale_payload(store_id, seq)
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "store_id": store_id,
        "device_id": "T1",
        "store_seq": seq,
        "type": "sale.completed",
        "schema_version": 1,
        "payload": payload,
        "payload_hash": hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
    }


def push(client: Any, token: str, store_id: str, *events: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/sync/push",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "store_id": store_id,
            "device_id": f"{store_id}-SYNC",
            "batch_id": str(uuid.uuid4()),
            "events": list(events),
        },
    )


def sales_of(central: Any, store_id: str) -> int:
    return central.count(Sale, Sale.store_id == store_id)


def test_an_event_of_store_b_inside_store_as_own_batch_is_refused(central):
    stores.add_store(central.ctx, OTHER)
    client = central.extra["app"].test_client()
    resp = push(client, central.token, STORE, event(1, STORE), event(1, OTHER))
    if resp.status_code == 200:  # per-event answers: the foreign one must be refused, the own one may pass
        foreign = resp.get_json()["results"][1]
        assert foreign["status"] >= 400 and foreign["code"], foreign
    else:
        assert 400 <= resp.status_code < 500 and resp.get_json()["error"]["code"]
    assert sales_of(central, OTHER) == 0
    assert central.count(AppliedEvent, AppliedEvent.store_id == OTHER) == 0


def test_reusing_store_bs_event_id_neither_overwrites_nor_claims_store_bs_sale(central):
    token_b = stores.add_store(central.ctx, OTHER)
    client = central.extra["app"].test_client()
    theirs = event(1, OTHER)
    assert push(client, token_b, OTHER, theirs).get_json()["results"][0]["status"] in (200, 201)
    before = central.rows(Sale.__table__.select().where(Sale.store_id == OTHER))
    resp = push(client, central.token, STORE, event(1, STORE, event_id=theirs["event_id"]))
    if resp.status_code == 200:
        mine = resp.get_json()["results"][0]
        assert mine["status"] >= 400, f"central took A's event under B's event id as done: {mine}"
    else:
        assert 400 <= resp.status_code < 500
    assert central.rows(Sale.__table__.select().where(Sale.store_id == OTHER)) == before
    assert sales_of(central, STORE) == 0
