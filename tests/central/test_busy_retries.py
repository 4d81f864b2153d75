"""Deadlocks and serialization failures: retried inside the central store; past the retries a 503 the agent obeys."""

from __future__ import annotations

import random
import threading

import requests
from sqlalchemy.exc import OperationalError
from synckit import STORE, agents, central, connect_store, make_event, pg_url, queue_sales  # noqa: F401

from central.services import push as push_service
from central.services import retry
from central.tables import AppliedEvent, Sale
from sync_agent.agent import Agent


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def conflict(sqlstate: str = "40P01") -> OperationalError:
    return OperationalError("UPDATE stores ...", {}, _PgError(sqlstate))


def failing(monkeypatch, times: int, sqlstate: str = "40P01") -> list[int]:
    """Make applying an event fail `times` times with a lock conflict before it works."""
    real, calls = push_service.handler_for, []

    def flaky_handler_for(type_, version):
        handler = real(type_, version)

        def flaky(*args, **kwargs):
            calls.append(1)
            if len(calls) <= times:
                raise conflict(sqlstate)
            return handler(*args, **kwargs)

        return flaky

    monkeypatch.setattr(push_service, "handler_for", flaky_handler_for)
    monkeypatch.setattr(retry, "backoff", lambda attempt: 0.0)
    return calls


def post_push(central, *events) -> requests.Response:
    body = {
        "store_id": STORE,
        "device_id": "T1",
        "batch_id": "b1",
        "events": [
            {
                "event_id": e.event_id,
                "store_id": e.store_id,
                "device_id": e.device_id,
                "store_seq": e.store_seq,
                "type": e.type,
                "schema_version": e.schema_version,
                "payload": e.payload,
                "payload_hash": e.payload_hash,
            }
            for e in events
        ],
    }
    return requests.post(
        f"{central.url}/api/v1/sync/push", json=body, timeout=30, headers={"Authorization": f"Bearer {central.token}"}
    )


def test_a_deadlock_and_a_serialization_failure_are_retried_and_the_store_sees_its_event_applied(central, monkeypatch):
    for sqlstate in ("40P01", "40001"):
        calls = failing(monkeypatch, 2, sqlstate)
        event = make_event(1 if sqlstate == "40P01" else 2)
        resp = post_push(central, event)
        assert resp.status_code == 200
        assert resp.json()["results"][0]["outcome"] == "applied"
        assert len(calls) == 3
    assert central.count(Sale) == 2 and central.count(AppliedEvent) == 2


def test_lock_conflicts_past_every_retry_are_a_503_with_retry_after_and_nothing_is_applied(central, monkeypatch):
    calls = failing(monkeypatch, 10_000)
    resp = post_push(central, make_event(1))
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == str(retry.RETRY_AFTER_SECONDS)
    assert resp.json()["error"]["code"] == "busy" and "send again" in resp.json()["error"]["message"]
    assert len(calls) == retry.ATTEMPTS
    assert central.count(Sale) == 0 and central.count(AppliedEvent) == 0


def test_an_error_that_is_not_a_lock_conflict_is_not_retried(central, monkeypatch):
    calls = failing(monkeypatch, 10_000, sqlstate="53300")  # too_many_connections: not ours to retry here
    resp = post_push(central, make_event(1))
    assert resp.status_code >= 500 and len(calls) == 1


def test_the_agent_waits_at_least_what_retry_after_asks_before_its_next_round(central, store, monkeypatch):
    connect_store(store, central)
    queue_sales(store.db, 1)
    failing(monkeypatch, 10_000)
    stop, waits = threading.Event(), []
    agent = Agent(store.config, say=lambda _text: None, stop=stop, rng=random.Random(1))

    def note_wait(seconds: float, wake_on_outbox: bool) -> None:
        waits.append(seconds)
        stop.set()

    monkeypatch.setattr(agent, "_wait", note_wait)
    try:
        agent.run()
    finally:
        agent.close()
    assert waits and waits[0] >= retry.RETRY_AFTER_SECONDS  # the first backoff alone would be under 1 s
