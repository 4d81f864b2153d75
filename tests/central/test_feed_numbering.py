"""The sequencer numbers committed pending changes oldest first and leaves a row a writer holds for its next run;
a push's rows, sent as one statement per table, arrive exactly; agents' kept-alive connections outlive their
interval."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401

from central.config import CentralConfig
from central.services import feed
from central.services import push as push_service
from central.tables import Change, Sale, SaleLine
from central.web import granian_serving
from central.web.serving import CentralServer
from pos.adapters.config import StoreConfig


def _pending(central, keys: list[str]) -> None:
    """Changes appended one transaction each, a second apart, committed and not yet numbered."""
    for i, key in enumerate(keys):
        at = central.ctx.clock() + timedelta(seconds=i)
        with central.ctx.db.unit_of_work() as s:
            feed.append(s, central.ctx, [feed.FeedChange("promotion", key, {"n": i})])
            s.query(Change).filter(Change.key == key).update({"changed_at": at})


def _seqs(central, keys: list[str]) -> dict[str, int | None]:
    with central.ctx.db.sessions() as s:
        return {c.key: c.seq for c in s.query(Change).filter(Change.key.in_(keys))}


def test_pending_changes_get_the_next_numbers_oldest_first(central):
    feed.sequence(central.ctx)
    with central.ctx.db.sessions() as s:
        head = feed.head(s)[1]
    _pending(central, ["P-a", "P-b", "P-c"])
    assert feed.sequence(central.ctx) == 3
    assert _seqs(central, ["P-a", "P-b", "P-c"]) == {"P-a": head + 1, "P-b": head + 2, "P-c": head + 3}
    with central.ctx.db.sessions() as s:
        assert feed.head(s)[1] == head + 3
    assert feed.sequence(central.ctx) == 0  # nothing left: the head stays


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)  # SKIP LOCKED: real row locks
def test_a_change_a_writer_is_rewriting_waits_for_the_next_sequencer_run(central):
    feed.sequence(central.ctx)
    with central.ctx.db.sessions() as s:
        head = feed.head(s)[1]
    _pending(central, ["W-a", "W-b", "W-c"])
    holding, release = threading.Event(), threading.Event()

    def rewriter():
        with central.ctx.db.unit_of_work() as s:
            feed.append(s, central.ctx, [feed.FeedChange("promotion", "W-b", {"n": 9})])
            holding.set()
            release.wait(10)

    t = threading.Thread(target=rewriter)
    t.start()
    assert holding.wait(10)
    try:
        assert feed.sequence(central.ctx) == 2  # W-a and W-c; W-b is held, not waited for
        assert _seqs(central, ["W-a", "W-b", "W-c"]) == {"W-a": head + 1, "W-b": None, "W-c": head + 2}
    finally:
        release.set()
        t.join(timeout=30)
    assert feed.sequence(central.ctx) == 1
    assert _seqs(central, ["W-b"]) == {"W-b": head + 3}


def test_a_batchs_rows_arrive_exactly_as_the_store_wrote_them(central):
    """The rows of a batch go to PostgreSQL as one JSON parameter per table: quotes, backslashes, non-Latin
    text, empty and missing values come out as they went in."""
    odd = ['Kopi "Gula" Aren \\ 1/2', "Teh 緑茶 ☕", "", "O'Neil\\u0041"]
    payloads = []
    for n, name in enumerate(odd, start=1):
        p = sale_payload(STORE, n)
        p["lines"][0]["name"] = name
        payloads.append(p)
    out = push_service.push(central.ctx, STORE, "T1", [make_event(n, p) for n, p in enumerate(payloads, start=1)])
    assert [r["outcome"] for r in out["results"]] == ["applied"] * len(odd)
    with central.ctx.db.sessions() as s:
        names = {line.id: line.name for line in s.query(SaleLine)}
        sales = {sale.id: sale for sale in s.query(Sale)}
    for p in payloads:
        assert names[p["lines"][0]["id"]] == p["lines"][0]["name"]
        assert sales[p["sale_id"]].member_id is None and sales[p["sale_id"]].total == p["total"]


def test_the_server_keeps_an_agents_connection_longer_than_the_agent_waits_between_calls():
    server = CentralServer(CentralConfig(), "127.0.0.1", 0, 1, 1)
    assert server.options["keepalive"] > StoreConfig().sync.interval_seconds
    idle_close_ms = granian_serving.options("127.0.0.1", 0, 1, 1)["http1_settings"].header_read_timeout
    assert idle_close_ms > StoreConfig().sync.interval_seconds * 1000
