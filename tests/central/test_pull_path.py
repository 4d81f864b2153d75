"""The pull's cheap path: the token is still checked on every pull, pulls go past pushes waiting their turn, and bad
bodies are still refused by name (both databases)."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text
from synckit import STORE, central, make_event, pg_url  # noqa: F401

from central.services import push as push_service
from central.services import stores


def _pull(client, token: str, cursor: int = 0):
    return client.get(f"/api/v1/sync/pull?cursor={cursor}&limit=1000", headers={"Authorization": f"Bearer {token}"})


def test_a_rotated_token_or_a_disabled_store_is_refused_on_the_very_next_pull(central):
    client = central.extra["app"].test_client()
    first = _pull(client, central.token)
    assert first.status_code == 200
    assert _pull(client, central.token, first.get_json()["cursor"]).get_json()["changes"] == []  # idle

    new_token = stores.rotate_store_token(central.ctx, STORE)
    refused = _pull(client, central.token, first.get_json()["cursor"])
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "bad_token"
    assert _pull(client, new_token, first.get_json()["cursor"]).status_code == 200

    with central.ctx.db.unit_of_work() as s:
        s.execute(text("UPDATE stores SET active = false WHERE id = :s"), {"s": STORE})
    disabled = _pull(client, new_token, first.get_json()["cursor"])
    assert disabled.status_code == 403 and disabled.get_json()["error"]["code"] == "store_disabled"
    missing = client.get("/api/v1/sync/pull?cursor=0&limit=10")
    assert missing.status_code == 401 and missing.get_json()["error"]["code"] == "missing_token"
    forged = _pull(client, "x" * 43)
    assert forged.status_code == 401


def test_a_pull_is_answered_while_every_push_slot_is_taken(central, monkeypatch):
    """A push holding the worker's only slot: a pull goes past it, a second push waits, then both apply."""
    app = central.extra["app"]
    app.extensions["omnitoko_push_lane"] = threading.BoundedSemaphore(1)
    inside, release = threading.Event(), threading.Event()
    real = push_service.push

    def slow_push(*args, **kwargs):
        inside.set()
        assert release.wait(30), "the test never let the push finish"
        return real(*args, **kwargs)

    monkeypatch.setattr(push_service, "push", slow_push)
    answers: dict[int, int] = {}

    def send(seq: int) -> None:
        e = make_event(seq)
        event = {k: getattr(e, k) for k in ("event_id", "store_id", "device_id", "store_seq", "type", "payload")}
        event |= {"schema_version": e.schema_version, "payload_hash": e.payload_hash}
        body = {"store_id": STORE, "device_id": "T1", "batch_id": str(uuid.uuid4()), "events": [event]}
        r = app.test_client().post("/api/v1/sync/push", json=body, headers={"Authorization": f"Bearer {central.token}"})
        answers[seq] = r.status_code

    first = threading.Thread(target=send, args=(1,))
    first.start()
    assert inside.wait(30)
    inside.clear()
    second = threading.Thread(target=send, args=(2,))
    second.start()
    pulled = _pull(app.test_client(), central.token)  # the slot is taken: the pull does not wait for it
    assert pulled.status_code == 200 and not release.is_set()
    assert not inside.is_set()  # the second push has not started applying: it waits for the slot
    release.set()
    first.join(30)
    second.join(30)
    assert answers == {1: 200, 2: 200}
    assert _pull(app.test_client(), central.token).get_json()["store_seq"] == 2


@pytest.mark.parametrize("body", ['{"store_id": "a\\u0000b"}', '{"n": 1e999}', "[" * 40 + "]" * 40])
def test_bad_bodies_are_still_refused_by_name(central, body):
    r = (
        central.extra["app"]
        .test_client()
        .post(
            "/api/v1/sync/push",
            data=body,
            headers={"Authorization": f"Bearer {central.token}", "Content-Type": "application/json"},
        )
    )
    assert r.status_code in (400, 422)
    assert r.get_json()["error"]["code"] in {"nul_character", "number_out_of_range", "too_deeply_nested"}
