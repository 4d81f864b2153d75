"""Faults between store and central: kills, repeats, reordering, 500s, timeouts, poison, restores, clocks."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from datetime import timedelta

from racekit import at_once
from sqlalchemy import func, select
from synckit import (  # noqa: F401
    STORE,
    Forward,
    agent_process,
    agents,
    central,
    connect_store,
    pg_url,
    queue_events,
    queue_sales,
    sale_payload,
    server_error,
    stock_up,
    sync_until_clean,
    unsent,
    write_store_toml,
)

from central.tables import AppliedEvent, DeadLetter, Sale, SaleLine, Tender
from pos.adapters.tables import DeadLetterSeen
from sync_agent.outbox import PushTally


def central_sales(central) -> tuple[int, int, int]:
    return central.count(Sale), central.count(SaleLine), central.count(Tender)


def test_agent_killed_after_central_commits_and_before_the_local_ack_applies_each_event_once(
    central, store, agents, tmp_path
):
    connect_store(store, central, batch_size=10)
    queue_sales(store.db, 30)
    holder: dict[str, object] = {}

    def kill_after_commit(body: bytes, forward: Forward):
        reply = forward(body)  # central has committed this batch
        if "killed" not in holder:
            holder["killed"] = True
            os.kill(holder["proc"].pid, signal.SIGKILL)  # type: ignore[attr-defined]
        return reply

    central.faults.on_push = kill_after_commit
    proc = agent_process(write_store_toml(tmp_path / "store.toml", store.config), "once")
    holder["proc"] = proc
    assert proc.wait(timeout=60) == -signal.SIGKILL
    assert central_sales(central) == (10, 20, 10)  # the first batch is in ...
    assert unsent(store.db) == 30  # ... but the agent died before it could ack it
    central.faults.on_push = None
    rep = sync_until_clean(agents())
    assert rep.push.duplicates == 10 and rep.push.applied == 20
    assert central_sales(central) == (30, 60, 30)
    assert central.count(AppliedEvent) == 30


def test_every_push_delivered_twice_and_out_of_order_leaves_central_as_one_delivery_would(central, store, agents):
    connect_store(store, central, batch_size=7)
    queue_sales(store.db, 40)
    queue_events(store.db, STORE, [("sale.completed", sale_payload(STORE, 99, skus=["NO-SUCH-SKU"]))])
    queue_sales(store.db, 5)
    recorded: list[bytes] = []

    def twice(body: bytes, forward: Forward):
        recorded.append(body)
        if len(recorded) > 1:  # an earlier push turns up again, late and out of order
            forward(random.Random(len(recorded)).choice(recorded[:-1]))
        forward(body)
        return forward(body)

    central.faults.on_push = twice
    sync_until_clean(agents())
    state = (central_sales(central), central.count(DeadLetter), central.count(AppliedEvent))
    assert state == ((45, 90, 45), 1, 46)
    central.faults.on_push = None
    for body in reversed(recorded):  # and all of them once more, newest first
        answer = (
            central.extra["app"]
            .test_client()
            .post(
                "/api/v1/sync/push",
                data=body,
                headers={"Authorization": f"Bearer {central.token}", "Content-Type": "application/json"},
            )
        )
        assert answer.status_code == 200
        assert {r["outcome"] for r in answer.get_json()["results"]} == {"duplicate"}
    assert (central_sales(central), central.count(DeadLetter), central.count(AppliedEvent)) == state


def test_central_failing_half_way_through_a_batch_and_answering_too_late_converges_without_duplicates(
    central, store, agents
):
    # The agent's timeout: long enough for central to apply half a batch on a loaded machine (its 500 must come back
    # as a 500, not as a timeout), shorter than the late answer below.
    connect_store(store, central, batch_size=20, timeout_seconds=2.0)
    queue_sales(store.db, 60)
    calls = {"n": 0}

    def flaky(body: bytes, forward: Forward):
        calls["n"] += 1
        if calls["n"] == 1:  # central applies the first half of the batch, then dies with a 500
            batch = json.loads(body)
            batch["events"] = batch["events"][: len(batch["events"]) // 2]
            forward(json.dumps(batch).encode())
            return server_error()
        if calls["n"] == 2:  # central applies all of it but answers after the client gave up
            reply = forward(body)
            time.sleep(2.5)
            return reply
        return forward(body)

    central.faults.on_push = flaky
    agent = agents()
    first = agent.round()
    assert first.error and "500" in first.error
    second = agent.round()
    assert second.error and "did not answer" in second.error
    pushed = PushTally()
    sync_until_clean(agent, pushed=pushed)
    assert pushed.duplicates >= 20  # the batch answered too late came back as "already there"
    assert central_sales(central) == (60, 120, 60)
    lines = central.rows(select(SaleLine.id, func.count()).group_by(SaleLine.id).having(func.count() > 1))
    assert lines == []


def test_a_poison_event_is_dead_lettered_with_its_reason_and_later_events_still_sync(central, store, agents):
    connect_store(store, central)
    queue_sales(store.db, 3)
    poison = queue_events(store.db, STORE, [("sale.completed", sale_payload(STORE, 4, skus=["SKU-99999"]))])[0]
    queue_sales(store.db, 3)
    rep = sync_until_clean(agents())
    assert rep.push.rejected == 1 and rep.push.codes == {"unknown_sku": 1}
    assert central.count(Sale) == 6
    with central.ctx.db.sessions() as s:
        dead = s.get(DeadLetter, poison)
        assert dead.code == "unknown_sku" and "SKU-99999" in dead.reason
    with store.db.sessions() as s:
        seen = s.get(DeadLetterSeen, poison)
        assert seen.code == "unknown_sku" and "SKU-99999" in seen.reason and seen.status == 422
    assert unsent(store.db) == 0  # the queue moved on


def test_central_restored_from_an_older_backup_gets_every_event_again_from_the_agent(central, store, agents):
    connect_store(store, central, batch_size=10)
    agent = agents()
    queue_sales(store.db, 15)
    sync_until_clean(agent)
    backup = snapshot(central)
    queue_sales(store.db, 20)
    sync_until_clean(agent)
    assert central.count(Sale) == 35
    restore(central, backup)  # central loses the last 20 sales ...
    from central.services import stores

    stores.new_epoch(central.ctx)  # ... and the operator marks the restore with a new epoch
    assert central.count(Sale) == 15
    rep = sync_until_clean(agent)
    assert any("new epoch" in n for n in rep.notes)
    assert central_sales(central) == (35, 70, 35)
    assert central.count(AppliedEvent) == 35


def test_a_restore_without_a_new_epoch_is_noticed_too(central, store, agents):
    connect_store(store, central)
    agent = agents()
    queue_sales(store.db, 5)
    sync_until_clean(agent)
    backup = snapshot(central)
    queue_sales(store.db, 5)
    sync_until_clean(agent)
    restore(central, backup)
    rep = sync_until_clean(agent)
    assert central.count(Sale) == 10 and rep.push.applied == 5


def test_a_store_clock_three_days_wrong_changes_neither_order_nor_deduplication(central, store, open_till, agents):
    from synckit import AQUA_330, sell

    connect_store(store, central)
    real = store.clock
    numbers = []
    for shift_days in (3, -3, 3, 0, -3):
        store.clock = lambda d=shift_days: real() + timedelta(days=d)
        numbers.append(sell(store, open_till, [(AQUA_330, 1)])["number"])
    store.clock = real
    agent = agents(clock=lambda: real() - timedelta(days=3))
    sync_until_clean(agent)
    sync_until_clean(agents(clock=lambda: real() + timedelta(days=3)))  # a second agent, clock the other way
    rows = central.rows(select(AppliedEvent.store_seq, AppliedEvent.type).order_by(AppliedEvent.store_seq))
    assert [seq for seq, _ in rows] == list(range(1, 7))
    applied = central.rows(
        select(Sale.number).join(AppliedEvent, AppliedEvent.event_id == Sale.event_id).order_by(AppliedEvent.store_seq)
    )
    assert [n for (n,) in applied] == numbers


def test_two_agents_started_at_once_for_one_store_make_one_stream(central, store, agents):
    connect_store(store, central, batch_size=10)
    queue_sales(store.db, 80)
    a, b = agents(), agents()
    reports = dict(
        zip(("a", "b"), at_once(lambda: a.round(release=False), lambda: b.round(release=False)), strict=True)
    )
    busy = [n for n, r in reports.items() if r.lease_busy]
    assert len(busy) == 1, reports  # one of them waits for the lease
    assert len(set(central.faults.agents)) == 1  # every push came from one agent ...
    pushed = central.faults.pushed_events()
    assert len(pushed) == len(set(pushed)) == 80  # ... and no event was sent twice
    assert central_sales(central) == (80, 160, 80)


def test_a_store_offline_with_ten_thousand_queued_sales_drains_completely(central, store, agents):
    connect_store(store, central, batch_size=500, timeout_seconds=120)
    stock_up(central)
    queue_sales(store.db, 10_000)
    central.faults.on_push = server_error  # offline: every push fails
    agent = agents()
    assert agent.round().error
    central.faults.on_push = None
    sync_until_clean(agent)
    assert central.count(Sale) == 10_000 and central.count(SaleLine) == 20_000
    assert unsent(store.db) == 0
    assert any("pushed 10,000 of 10,000 events (100%)" in line for line in agent.said)  # type: ignore[attr-defined]


# -- a logical backup of the central database ----------------------------------------------------------------
def snapshot(central) -> dict[str, list[dict]]:
    from central.tables import CentralBase

    with central.ctx.db.sessions() as s:
        return {t.name: [dict(r._mapping) for r in s.execute(t.select())] for t in CentralBase.metadata.sorted_tables}


def restore(central, backup: dict[str, list[dict]]) -> None:
    from central.tables import CentralBase

    tables = CentralBase.metadata.sorted_tables
    with central.ctx.db.unit_of_work() as s:
        for t in reversed(tables):
            s.execute(t.delete())
        for t in tables:
            if backup[t.name]:
                s.execute(t.insert(), backup[t.name])
    central.ctx.known_skus.clear()
