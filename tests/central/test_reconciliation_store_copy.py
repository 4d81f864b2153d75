"""A store's task that head office resolves leaves the store manager's list at the next sync, and comes back there if
head office reopens it: a real store, its sync agent and central (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import update
from synckit import AQUA_330, STORE, agents, central, connect_store, pg_url, sell, sync_until_clean  # noqa: F401

from central.services import reconciliation_resolve
from central.tables import StockLevel
from pos.services import sync_health

SKU = "SKU-00001"  # AQUA_330 at central


def test_a_task_resolved_at_head_office_leaves_the_stores_list_and_a_reopened_one_comes_back(
    central,  # noqa: F811
    store,
    open_till,
    agents,  # noqa: F811
):
    connect_store(store, central)
    agent = agents()
    sync_until_clean(agent)  # what the store had to send first
    with central.ctx.db.unit_of_work() as s:  # central holds none of it at the store: the next sale goes below zero
        s.execute(update(StockLevel).where(StockLevel.location == STORE, StockLevel.sku == SKU).values(on_hand=0))
    sell(store, open_till, [(AQUA_330, 1)])
    sync_until_clean(agent)
    [task] = sync_health.sync_health(store)["reconciliation"]
    assert (task["kind"], task["sku"], task["detail"]["on_hand"]) == ("below_zero", SKU, -1)

    reconciliation_resolve.resolve(central.ctx, task["id"], "admin", "stok dihitung ulang")
    sync_until_clean(agent)
    assert sync_health.sync_health(store)["reconciliation"] == []

    reconciliation_resolve.reopen(central.ctx, task["id"], "admin", "rak belakang belum dihitung")
    sync_until_clean(agent)
    [again] = sync_health.sync_health(store)["reconciliation"]

    def figures(t: dict) -> dict:
        return {k: v for k, v in t.items() if k not in sync_health.HEAD_OFFICE}

    assert figures(again) == figures(task)  # as it was: its figures, its time
    assert (again["reopened_by"], again["reopen_note"]) == ("admin", "rak belakang belum dihitung")  # and who, why
