"""Head office's resolution of a store's task reaches the store's manager with who resolved it, when and the note
(reconciliation topic version 2), under "Selesai" on the sync page and in its CSV; a task opened again says who
opened it and why. An older central's item (none of that) still applies, and a note past central's own limit is cut
there, never stopping the pull: a real store, its sync agent and central (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from synckit import AQUA_330, STORE, agents, central, connect_store, pg_url, sell, sync_until_clean  # noqa: F401

from central.services import feed, reconciliation_resolve
from central.tables import Change, StockLevel
from common.contract import topics
from common.contract.names import Topic
from pos.services import sync_health

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from test_manager_pages import Browser, csv_rows  # noqa: E402

SKU = "SKU-00001"  # AQUA_330 at central


def below_zero_task(central: Any, store: Any, open_till: Any, agent: Any) -> dict[str, Any]:
    """A sale below zero at the store (central holds none of it there): the task the manager sees open."""
    sync_until_clean(agent)
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(StockLevel).where(StockLevel.location == STORE, StockLevel.sku == SKU).values(on_hand=0))
    sell(store, open_till, [(AQUA_330, 1)])
    sync_until_clean(agent)
    [task] = sync_health.sync_health(store)["reconciliation"]
    return task


def section(page: str, name: str) -> str:
    found = re.search(rf'<section class="tbl" id="tbl-sync-{name}">(.*?)</section>', page, re.S)
    assert found is not None, name
    return found.group(1)


def manager_browser(store: Any) -> Browser:
    from pos.web.app import create_app

    web = Browser(create_app(store.config, store.db))
    assert web.sign_in().status_code == 302
    return web


def test_a_task_resolved_at_head_office_shows_under_selesai_with_who_when_and_the_note(
    central, store, open_till, agents
):
    connect_store(store, central)
    agent = agents()
    task = below_zero_task(central, store, open_till, agent)

    done = reconciliation_resolve.resolve(central.ctx, task["id"], "rina.pusat", "Stok dihitung ulang, selisih 1 botol")
    sync_until_clean(agent)
    health = sync_health.sync_health(store)
    assert health["reconciliation"] == []
    [kept] = health["resolved"]
    assert (kept["id"], kept["resolved_by"], kept["resolution_note"]) == (
        task["id"],
        "rina.pusat",
        "Stok dihitung ulang, selisih 1 botol",
    )
    assert kept["resolved_at"] == done["resolved_at"]

    web = manager_browser(store)
    page = web.get("/manager/sync").get_data(as_text=True)
    selesai = section(page, "resolved")
    assert "Selesai di kantor pusat (30 hari terakhir)" in selesai and "Diselesaikan oleh" in selesai
    assert "rina.pusat" in selesai and "Stok dihitung ulang, selisih 1 botol" in selesai and "Stok minus" in selesai
    assert "rina.pusat" not in section(page, "reconciliation")
    english = section(web.get("/manager/sync?lang=en").get_data(as_text=True), "resolved")
    assert "Resolved at head office (last 30 days)" in english and "Resolution note" in english

    header, *rows = csv_rows(web, "/manager/sync/resolved.csv?lang=en")
    assert header[:4] == ["Resolved", "Resolved by", "Resolution note", "Kind"]
    assert [r[1:5] for r in rows] == [["rina.pusat", "Stok dihitung ulang, selisih 1 botol", "Below zero", SKU]]


def test_a_reopened_task_says_who_opened_it_again_and_why_and_keeps_it_when_it_happens_again(
    central, store, open_till, agents
):
    connect_store(store, central)
    agent = agents()
    task = below_zero_task(central, store, open_till, agent)
    reconciliation_resolve.resolve(central.ctx, task["id"], "rina.pusat", "stok dihitung ulang")
    sync_until_clean(agent)

    reconciliation_resolve.reopen(central.ctx, task["id"], "budi.pusat", "rak belakang belum dihitung")
    sync_until_clean(agent)
    health = sync_health.sync_health(store)
    assert health["resolved"] == []
    [again] = health["reconciliation"]
    assert (again["id"], again["reopened_by"], again["reopen_note"]) == (
        task["id"],
        "budi.pusat",
        "rak belakang belum dihitung",
    )
    web = manager_browser(store)
    open_ = section(web.get("/manager/sync").get_data(as_text=True), "reconciliation")
    assert "Dibuka lagi oleh" in open_ and "budi.pusat" in open_ and "rak belakang belum dihitung" in open_
    header, *rows = csv_rows(web, "/manager/sync/reconciliation.csv?lang=en")
    assert header[-3:] == ["Reopened", "Reopened by", "Why reopened"]
    assert [r[-2:] for r in rows] == [["budi.pusat", "rak belakang belum dihitung"]]

    # sold below zero again: central counts it on the open task and sends its figures only (no head office keys)
    sell(store, open_till, [(AQUA_330, 1)])
    sync_until_clean(agent)
    [counted] = sync_health.sync_health(store)["reconciliation"]
    assert counted["detail"]["occurrences"] == 2
    assert (counted["reopened_by"], counted["reopen_note"]) == ("budi.pusat", "rak belakang belum dihitung")


def send_again(central: Any, task_id: str, **data: Any) -> None:
    """The task's last feed item sent again with `data` over it, as a central (an older one, or a hostile one)
    would put it on the store's feed."""
    with central.ctx.db.unit_of_work() as s:
        row = s.execute(select(Change.data, Change.only_store).where(Change.key == task_id)).one()
        sent = {**json.loads(row.data), **data}
        sent = {k: v for k, v in sent.items() if v is not ...}  # `...`: the key left out
        feed.append(s, central.ctx, [feed.FeedChange(Topic.RECONCILIATION, task_id, sent, None, row.only_store)])


def test_an_older_centrals_resolved_item_still_clears_the_task_and_lists_it_with_no_one_named(
    central, store, open_till, agents
):
    connect_store(store, central)
    agent = agents()
    task = below_zero_task(central, store, open_till, agent)
    older = {k: ... for k in ("resolved_by", "resolution_note", "reopened_at", "reopened_by", "reopen_note")}
    send_again(central, task["id"], resolved_at="2026-12-06T07:00:00", **older)  # version 1: none of them
    sync_until_clean(agent)
    health = sync_health.sync_health(store)
    assert health["reconciliation"] == []
    [kept] = health["resolved"]
    assert (kept["id"], kept["resolved_by"], kept["resolution_note"]) == (task["id"], None, None)
    selesai = section(manager_browser(store).get("/manager/sync").get_data(as_text=True), "resolved")
    assert "Stok minus" in selesai


def test_a_note_past_centrals_limit_is_cut_there_and_a_malformed_one_never_stops_the_pull(
    central, store, open_till, agents
):
    assert topics.NOTE_MAX == reconciliation_resolve.NOTE_MAX == 500  # the contract keeps central's own limit
    connect_store(store, central)
    agent = agents()
    task = below_zero_task(central, store, open_till, agent)
    longest = "n" * 500
    reconciliation_resolve.resolve(central.ctx, task["id"], "rina.pusat", longest)
    sync_until_clean(agent)
    [kept] = sync_health.sync_health(store)["resolved"]
    assert kept["resolution_note"] == longest, "central's longest note arrives whole"

    send_again(central, task["id"], resolution_note="x" * 20_000, resolved_by="r" * 300)
    sync_until_clean(agent)
    [kept] = sync_health.sync_health(store)["resolved"]
    assert kept["resolution_note"] == "x" * 500 and kept["resolved_by"] == "r" * 64

    reconciliation_resolve.reopen(central.ctx, task["id"], "budi.pusat", "dibuka lagi")
    sync_until_clean(agent)
    send_again(central, task["id"], resolved_at="2026-12-06T07:00:00", resolution_note={"html": "<b>"}, reopen_note=7)
    rep = sync_until_clean(agent)
    assert rep.ok
    health = sync_health.sync_health(store)
    assert health["reconciliation"] == [], "the task itself still applies: resolved"
    [kept] = health["resolved"]
    assert (kept["resolution_note"], kept["reopen_note"]) == (longest, "dibuka lagi"), "what it held, kept"
