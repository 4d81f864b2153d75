"""The sync API refuses bad input with a 4xx and a clear message, and changes nothing."""

from __future__ import annotations

import hashlib

import pytest
from synckit import STORE, central, pg_url, sale_payload  # noqa: F401

from central.services import stores
from central.tables import AppliedEvent, DeadLetter, Sale
from common.contract.wire import canonical_json


def event(
    seq: int, payload: dict | None = None, type_: str = "sale.completed", version: int = 1, store_id: str = STORE
) -> dict:
    payload = payload if payload is not None else sale_payload(store_id, seq)
    import uuid

    return {
        "event_id": str(uuid.uuid4()),
        "store_id": store_id,
        "device_id": "T1",
        "store_seq": seq,
        "type": type_,
        "schema_version": version,
        "payload": payload,
        "payload_hash": hashlib.sha256(canonical_json(payload).encode()).hexdigest(),
    }


def batch(*events: dict, store_id: str = STORE) -> dict:
    return {"store_id": store_id, "device_id": "TOKO-01-SYNC", "batch_id": "b1", "events": list(events)}


@pytest.fixture
def api(central):
    client = central.extra["app"].test_client()

    def call(method: str, path: str, token: str | None = "default", **kw):
        headers = kw.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {central.token if token == 'default' else token}"
        return client.open(path, method=method, headers=headers, **kw)

    return call


def error_of(resp) -> tuple[int, str, str]:
    body = resp.get_json()
    return resp.status_code, body["error"]["code"], body["error"]["message"]


def test_health_and_the_openapi_document_are_served(api):
    assert api("GET", "/api/v1/health", token=None).get_json()["status"] == "ok"
    doc = api("GET", "/api/v1/openapi.json", token=None).get_json()
    assert {"/api/v1/sync/push", "/api/v1/sync/pull", "/api/v1/health"} <= set(doc["paths"])
    assert "PushIn" in doc["components"]["schemas"] and "EventIn" in doc["components"]["schemas"]


@pytest.mark.parametrize("token, code", [(None, "missing_token"), ("nope", "bad_token")])
def test_a_missing_or_wrong_token_is_401(api, central, token, code):
    for method, path, kw in (
        ("POST", "/api/v1/sync/push", {"json": batch(event(1))}),
        ("GET", "/api/v1/sync/pull?cursor=0", {}),
    ):
        status, got, message = error_of(api(method, path, token=token, **kw))
        assert (status, got) == (401, code) and "token" in message
    assert central.count(AppliedEvent) == 0


def test_a_token_of_store_a_cannot_push_for_store_b_and_an_unknown_store_is_404(api, central):
    token_b = stores.add_store(central.ctx, "TOKO-02")
    status, code, message = error_of(api("POST", "/api/v1/sync/push", token=token_b, json=batch(event(1))))
    assert (status, code) == (403, "wrong_store") and "TOKO-02" in message and STORE in message
    ghost = batch(event(1, store_id="TOKO-99"), store_id="TOKO-99")
    status, code, message = error_of(api("POST", "/api/v1/sync/push", json=ghost))
    assert (status, code) == (404, "unknown_store") and "TOKO-99" in message
    assert central.count(AppliedEvent) == 0


def test_malformed_batches_are_400_with_the_field_named(api, central):
    status, code, _ = error_of(
        api("POST", "/api/v1/sync/push", data="{not json", headers={"Content-Type": "application/json"})
    )
    assert (status, code) == (400, "malformed_json")
    bad = batch(event(1))
    del bad["events"][0]["payload_hash"]
    status, code, message = error_of(api("POST", "/api/v1/sync/push", json=bad))
    assert (status, code) == (400, "invalid_request") and "payload_hash" in message
    negative = batch(event(1))
    negative["events"][0]["store_seq"] = 0
    assert api("POST", "/api/v1/sync/push", json=negative).status_code == 400
    mixed = batch(event(1), event(2, store_id="TOKO-02"))
    status, code, message = error_of(api("POST", "/api/v1/sync/push", json=mixed))
    assert (status, code) == (400, "mixed_stores") and "events.1" in message
    status, code, _ = error_of(api("GET", "/api/v1/sync/pull?cursor=-4"))
    assert (status, code) == (400, "invalid_request")
    assert central.count(AppliedEvent) == 0


def test_an_oversized_batch_is_413(api, central):
    central.ctx.config.sync.max_batch_events = 3
    status, code, message = error_of(api("POST", "/api/v1/sync/push", json=batch(*[event(i) for i in range(1, 5)])))
    assert (status, code) == (413, "batch_too_large") and "at most 3 events" in message
    central.extra["app"].config["MAX_CONTENT_LENGTH"] = 2**20
    huge = batch(event(1, payload={**sale_payload(STORE, 1), "note": "x" * 2**20}))
    status, code, message = error_of(api("POST", "/api/v1/sync/push", json=huge))
    assert (status, code) == (413, "batch_too_large") and "larger than 1 MB" in message
    assert central.count(AppliedEvent) == 0


def test_an_unknown_event_type_or_schema_version_is_refused_for_that_event_and_the_queue_moves_on(api, central):
    answer = api(
        "POST",
        "/api/v1/sync/push",
        json=batch(event(1, payload={"x": 1}, type_="coupon.printed"), event(2, version=9), event(3)),
    )
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [(r["status"], r["outcome"], r["code"]) for r in results] == [
        (422, "rejected", "unknown_event_type"),
        (422, "rejected", "unknown_schema_version"),
        (200, "applied", None),
    ]
    assert "coupon.printed" in results[0]["message"] and "version 9" in results[1]["message"]
    assert central.count(DeadLetter) == 2 and central.count(Sale) == 1
    assert answer.get_json()["store_seq"] == 3


def test_an_event_altered_after_the_store_wrote_it_is_refused(api, central):
    e = event(1)
    e["payload"]["total"] = 1
    r = api("POST", "/api/v1/sync/push", json=batch(e)).get_json()["results"][0]
    assert (r["status"], r["code"]) == (422, "bad_payload_hash")
    assert central.count(Sale) == 0


def test_a_payload_that_breaks_the_schema_is_dead_lettered_with_the_field_named(api, central):
    bad = sale_payload(STORE, 1)
    bad["lines"][0]["qty"] = "two"
    r = api("POST", "/api/v1/sync/push", json=batch(event(1, payload=bad))).get_json()["results"][0]
    assert (r["status"], r["code"]) == (422, "bad_payload") and "lines.0.qty" in r["message"]


def test_pull_serves_only_this_stores_view(api, central):
    page = api("GET", "/api/v1/sync/pull?cursor=0&limit=10000").get_json()
    stock = [c for c in page["changes"] if c["topic"] == "stock"]
    assert stock and {c["data"]["location"] for c in stock} == {"TOKO-02", "ONLINE"}
    assert page["more"] is False and page["cursor"] == page["head"] and page["store_seq"] == 0
