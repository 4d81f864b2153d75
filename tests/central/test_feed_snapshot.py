"""A new store starts from a paged snapshot that names its feed cursor, and misses nothing after it (issue 14)."""

from __future__ import annotations

import threading
import uuid

import requests
from sqlalchemy import text
from synckit import STORE, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import catalog, feed, snapshot, stock, stores
from pos.adapters.tables import Product, SyncStatus


def get(central, token: str, path: str, **params) -> requests.Response:
    return requests.get(
        f"{central.url}/api/v1/sync/{path}", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def receive(central, location: str, sku: str, qty: int) -> None:
    with central.ctx.db.unit_of_work() as s:
        moves = [stock.Movement(str(uuid.uuid4()), sku, qty, "receipt")]
        feed.append(s, central.ctx, stock.post(s, central.ctx, location, moves))
        feed.append(s, central.ctx, stock.publish(s, central.ctx, location))
    feed.sequence(central.ctx)


def take(central, token: str, limit: int, between=None) -> tuple[dict, int, int]:
    """The snapshot page by page (calling `between` after the first page), then the feed from its cursor:
    the latest state per key the store ends up with, the cursor and the snapshot's pages."""
    state: dict = {}
    page = get(central, token, "snapshot", limit=limit).json()
    pages = 1
    if between:
        between()
    while True:
        state.update({(c["topic"], c["key"]): c["data"] for c in page["changes"]})
        if not page["more"]:
            break
        page = get(
            central,
            token,
            "snapshot",
            limit=limit,
            epoch=page["epoch"],
            at=page["at"],
            part=page["next_part"],
            after=page["next_after"],
        ).json()
        pages += 1
    cursor = page["at"]
    while True:
        got = get(central, token, "pull", cursor=cursor, limit=limit).json()
        state.update({(c["topic"], c["key"]): c["data"] for c in got["changes"]})
        cursor = got["cursor"]
        if not got["more"]:
            return state, cursor, pages


def expected(central, store_id: str) -> dict:
    """What the store should hold: every feed row meant for it, at its latest state."""
    with central.ctx.db.sessions() as s:
        _, top = feed.head(s)
        rows = feed.page(s, store_id, 0, 1_000_000, stores.audience(s, central.ctx, store_id))["changes"]
    return {(c["topic"], c["key"]): c["data"] for c in rows}


def test_changes_made_while_a_new_store_pages_its_snapshot_still_reach_it(central):
    central.ctx.config.sync.neighbours = 2
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("N01", "N02", "N03")}
    for sid in tokens:
        receive(central, sid, "SKU-00001", 10)

    def meanwhile() -> None:
        catalog.set_price(central.ctx, "SKU-00040", 123_400)  # the catalog: last page of the global part
        catalog.set_price(central.ctx, "SKU-00001", 9_900)  # a key the first page may already have given
        receive(central, "N03", "SKU-00001", 5)  # a neighbour's figure
        receive(central, "N01", "SKU-00002", 3)  # its own figure: never in its feed

    got, cursor, pages = take(central, tokens["N02"], 7, meanwhile)
    assert pages > 3  # really paged
    assert got == expected(central, "N02")
    assert got[("product", "SKU-00040")]["price"] == 123_400 and got[("product", "SKU-00001")]["price"] == 9_900
    assert got[("stock", "N03:SKU-00001")]["on_hand"] == 15
    with central.ctx.db.sessions() as s:
        assert cursor == feed.head(s)[1]


def test_a_snapshot_is_the_catalog_and_neighbours_not_the_history(central):
    central.ctx.config.sync.neighbours = 1
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("H01", "H02", "H03")}
    for i in range(25):  # 25 changes of each of two keys
        receive(central, "H02", "SKU-00003", 1)
        catalog.set_price(central.ctx, "SKU-00004", 1000 + i)
    first = get(central, tokens["H01"], "snapshot", limit=10_000).json()
    keys = [(c["topic"], c["key"]) for c in first["changes"]]
    assert len(keys) == len(set(keys))  # each key once, at its latest state
    assert sum(1 for t, _ in keys if t == "product") == 40
    assert {c["data"]["location"] for c in first["changes"] if c["topic"] == "stock"} == {"H02", "ONLINE"}
    assert not first["more"] and first["cursor"] == first["at"]


def test_a_store_cannot_take_another_stores_snapshot_nor_a_made_up_one(central):
    token = stores.add_store(central.ctx, "X01", "X01")
    stores.add_store(central.ctx, "X02", "X02")
    assert get(central, token, "snapshot", store_id="X02").status_code == 403
    assert get(central, token, "snapshot", store_id="NOPE").status_code == 404
    assert get(central, token, "snapshot", store_id="X01").status_code == 200
    first = get(central, token, "snapshot", limit=5).json()
    assert get(central, token, "snapshot", at=first["at"], part=0, after=0).status_code == 422  # no epoch
    assert get(central, token, "snapshot", epoch=first["epoch"], at=first["at"] + 10**6).status_code == 422
    stores.new_epoch(central.ctx)
    stale = get(central, token, "snapshot", epoch=first["epoch"], at=first["at"], part=first["next_part"])
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "snapshot_stale"
    assert requests.get(f"{central.url}/api/v1/sync/snapshot", timeout=30).status_code == 401


def test_the_agent_of_a_new_store_starts_from_the_snapshot_and_then_follows_the_feed(central, store, agents):
    connect_store(store, central)
    agent = agents()
    calls: list[int] = []
    real = agent.client.snapshot
    agent.client.snapshot = lambda limit, resume=None: calls.append(1) or real(limit, resume)
    sync_until_clean(agent)
    with store.db.sessions() as s, central.ctx.db.sessions() as cs:
        assert s.get(SyncStatus, 1).cursor == feed.head(cs)[1]
        assert s.query(Product).filter_by(sku="SKU-00040").one().price > 0
    assert calls
    catalog.set_price(central.ctx, "SKU-00002", 77_700)
    calls.clear()
    sync_until_clean(agent)
    assert not calls  # after the snapshot, the feed
    with store.db.sessions() as s:
        assert s.query(Product).filter_by(sku="SKU-00002").one().price == 77_700


def test_many_stores_take_their_snapshot_while_stock_and_prices_change(central):
    """Concurrent: every store ends with exactly its feed's latest rows, whatever happened while it paged."""
    if central.backend != "postgresql":
        return  # SQLite has one writer: the concurrent case is PostgreSQL's
    central.ctx.config.sync.neighbours = 2
    ids = [f"P{i:02d}" for i in range(8)]
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ids}
    stop, errors = threading.Event(), []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                receive(central, ids[n % len(ids)], f"SKU-{n % 40 + 1:05d}", 1)
                if n % 5 == 0:
                    catalog.set_price(central.ctx, f"SKU-{n % 40 + 1:05d}", 1000 + n)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

    results: dict[str, tuple[dict, int, int]] = {}

    def reader(sid: str) -> None:
        try:
            results[sid] = take(central, tokens[sid], 9)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    writing = threading.Thread(target=writer)
    writing.start()
    readers = [threading.Thread(target=reader, args=(sid,)) for sid in ids]
    for t in readers:
        t.start()
    for t in readers:
        t.join(timeout=120)
    stop.set()
    writing.join(timeout=30)
    assert not errors, errors[:3]
    for sid in ids:  # catch up from each store's cursor: then it holds exactly what central holds for it
        state, cursor, _ = results[sid]
        while True:
            got = get(central, tokens[sid], "pull", cursor=cursor, limit=1000).json()
            state.update({(c["topic"], c["key"]): c["data"] for c in got["changes"]})
            cursor = got["cursor"]
            if not got["more"]:
                break
        assert state == expected(central, sid), sid


def test_the_snapshot_reads_by_index_before_the_planner_has_statistics(central):
    if central.backend != "postgresql":
        return
    with central.ctx.db.unit_of_work() as s:
        s.execute(
            text(
                "INSERT INTO changes (topic, key, seq, scope, data, changed_at) SELECT 'stock', 'K' || g, "
                "100000 + g, 'S' || (g % 500), '{}', now() FROM generate_series(1, 50000) g"
            )
        )
    for scope in (None, "S7"):
        sql = str(
            snapshot.part_statement("S1", scope, 0, 150000, 500).compile(
                central.ctx.db.engine, compile_kwargs={"literal_binds": True}
            )
        )
        with central.ctx.db.engine.connect() as c:
            plan = "\n".join(r[0] for r in c.execute(text("EXPLAIN " + sql)))
        assert "Seq Scan on changes" not in plan and "ix_changes_scope_seq" in plan, plan
