"""The agent as a manager meets it: `sync once` and `sync run`, backoff, timeouts, status, a clean stop."""

from __future__ import annotations

import random
import signal
import threading

from servekit import wait_for
from sqlalchemy import select
from synckit import (  # noqa: F401
    AQUA_330,
    agent_process,
    agents,
    central,
    connect_store,
    pg_url,
    queue_sales,
    sell,
    server_error,
    sync_until_clean,
    unsent,
    write_store_toml,
)

from central.tables import Sale
from omnitoko.cli import main
from pos.adapters.tables import SyncStatus
from sync_agent import state
from sync_agent.agent import BACKOFF_MAX, backoff_delay


def test_sync_once_says_what_it_did_and_exits_0_only_when_everything_is_through(central, store, tmp_path, capsys):
    connect_store(store, central)
    queue_sales(store.db, 3)
    config = write_store_toml(tmp_path / "store.toml", store.config)
    central.faults.on_push = server_error
    assert main(["sync", "once", "--config", str(config)]) == 1
    out = capsys.readouterr().out
    assert "3 events waiting" in out and "central answered 500" in out
    central.faults.on_push = None
    assert main(["sync", "once", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "pushed 3 events (applied 3" in out and "outbox empty" in out and "pull current" in out


def test_sync_run_pushes_a_completed_sale_at_once_and_stops_cleanly_on_sigterm(central, store, open_till, tmp_path):
    connect_store(store, central, interval_seconds=120)  # the interval alone would wait two minutes
    proc = agent_process(write_store_toml(tmp_path / "store.toml", store.config), "run")
    try:
        wait_for(lambda: state.read(store.db)["last_success_at"] is not None, "the agent's first good round", 30)
        sale = sell(store, open_till, [(AQUA_330, 2)])
        wait_for(lambda: central.count(Sale, Sale.id == sale["id"]) == 1, "the sale reached central", 30)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    out = proc.stdout.read()
    assert "stopping (SIGTERM)" in out and "stopped cleanly" in out
    assert state.lease_holder(store.db)[0] is None  # the lease is handed back


def test_backoff_grows_to_a_cap_with_jitter():
    rng = random.Random(7)
    for failures in range(1, 12):
        ceiling = min(BACKOFF_MAX, 2 ** (failures - 1))
        delays = {round(backoff_delay(failures, rng), 6) for _ in range(20)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jitter: agents of many stores do not retry in step
    assert backoff_delay(30, rng) <= BACKOFF_MAX


def test_a_central_slower_than_the_timeout_fails_the_round_instead_of_hanging_it(central, store, agents):
    connect_store(store, central, timeout_seconds=0.3)
    release = threading.Event()

    def hang(forward):
        release.wait(5)
        return forward()

    central.faults.on_pull = hang
    rep = agents().round()
    release.set()
    assert rep.error == "central did not answer within 0.3 s"
    status = state.read(store.db)
    assert status["last_error"] == rep.error and status["last_success_at"] is None


def test_the_agent_writes_its_status_for_the_badge_and_the_manager(central, store, agents):
    connect_store(store, central)
    queue_sales(store.db, 4)
    agent = agents()
    central.faults.on_push = server_error
    agent.round()
    failed = state.read(store.db)
    assert failed["queue_depth"] == 4 and failed["last_error"] == "central answered 500"
    assert failed["oldest_unsent_at"] is not None
    central.faults.on_push = None
    sync_until_clean(agent)
    ok = state.read(store.db)
    assert ok["queue_depth"] == 0 and ok["oldest_unsent_at"] is None and ok["last_success_at"] > failed["last_error_at"]
    assert ok["pushed_total"] == 4 and ok["cursor"] > 0 and ok["epoch"]


def test_a_batch_central_finds_too_large_is_split_until_it_fits(central, store, agents):
    central.ctx.config.sync.max_batch_events = 6
    connect_store(store, central, batch_size=50)
    queue_sales(store.db, 20)
    agent = agents()
    sync_until_clean(agent)
    assert agent.batch_size <= 6 and central.count(Sale) == 20
    assert all(len(p["events"]) <= 6 for p in central.faults.pushes[-3:])


def test_a_wrong_token_is_reported_and_nothing_is_marked_sent(central, store, agents):
    connect_store(store, central, token="not-the-token")
    queue_sales(store.db, 2)
    rep = agents().round()
    assert rep.error.startswith("central refused (401 bad_token)")
    assert unsent(store.db) == 2
    with store.db.sessions() as s:
        assert "bad_token" in s.scalar(select(SyncStatus.last_error))


def test_a_killed_agents_lease_is_taken_over_at_once_by_the_next(store):
    import socket
    from datetime import datetime

    now = datetime(2026, 1, 1)
    dead = f"{socket.gethostname()}:999999999:abcd"  # this machine, no such process: killed
    assert state.acquire_lease(store.db, dead, 600, now)
    assert state.acquire_lease(store.db, state.lease_owner_name(), 600, now)
    assert not state.acquire_lease(store.db, state.lease_owner_name(), 600, now)  # a live holder keeps it
