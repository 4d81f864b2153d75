"""Pulling: a page and its cursor are saved together, so a crash between them loses and skips nothing."""

from __future__ import annotations

import json
import signal

from sqlalchemy import select
from synckit import STORE, agent_process, agents, central, connect_store, pg_url, sync_until_clean, write_store_toml  # noqa: F401

from central.services import catalog, feed, stores
from central.tables import Change
from pos.adapters.tables import Product, Promotion, RemoteStock, SyncStatus
from sync_agent import apply, state

KILL_ON_SECOND_PAGE = """
import os, signal, sys
from pos.adapters.config import load_config
from sync_agent import agent as agent_module, state
real = state.note_central
pages = []
def note_then_die(s, epoch, seq):
    pages.append(1)
    if len(pages) == 2:  # page 2's changes are applied in the open transaction; its cursor is not saved
        os.kill(os.getpid(), signal.SIGKILL)
    return real(s, epoch, seq)
state.note_central = note_then_die
agent_module.PULL_LIMIT = 25
a = agent_module.Agent(load_config(sys.argv[1] if len(sys.argv) > 1 else {config!r}))
a.round(release=True)
"""


def central_state(central) -> dict[tuple[str, str], dict]:
    rows = central.rows(select(Change.topic, Change.key, Change.data, Change.skip_store))
    return {(t, k): json.loads(d) for t, k, d, skip in rows if skip != STORE}


def store_state(store) -> tuple[dict[str, int], dict[tuple[str, str], int], int]:
    with store.db.sessions() as s:
        prices = dict(s.execute(select(Product.sku, Product.price)).all())
        stock = {
            (sku, loc): q for sku, loc, q in s.execute(select(RemoteStock.sku, RemoteStock.location, RemoteStock.qty))
        }
        return prices, stock, s.get(SyncStatus, 1).cursor


def test_killed_between_applying_a_pull_page_and_saving_its_cursor_re_applies_it_and_skips_nothing(
    central, store, agents, tmp_path
):
    connect_store(store, central)
    first = agents()
    sync_until_clean(first)  # the store's snapshot; what follows comes from the feed, page by page
    state.release_lease(store.db, first.owner)
    _, _, start = store_state(store)
    for i in range(1, 61):  # 60 price changes of 40 SKUs: more than one page of 25
        catalog.set_price(central.ctx, f"SKU-{i % 40 + 1:05d}", 5000 + i)
    config = write_store_toml(tmp_path / "store.toml", store.config)
    proc = agent_process(config, code=KILL_ON_SECOND_PAGE.format(config=str(config)))
    assert proc.wait(timeout=60) == -signal.SIGKILL, proc.stdout.read()
    with central.ctx.db.sessions() as s:
        first_page = feed.page(s, STORE, start, 25, stores.audience(s, central.ctx, STORE))
    _, _, cursor = store_state(store)
    assert cursor == first_page["cursor"] < first_page["head"]  # page 1 saved; page 2 died with the process
    rep = sync_until_clean(agents())
    assert rep.pulled > 0
    expected = central_state(central)
    prices, stock, cursor = store_state(store)
    assert cursor == max(central.rows(select(Change.seq)))[0]
    for (topic, key), data in expected.items():
        if topic == "product":
            assert prices[key] == data["price"], key
        if topic == "stock":
            assert stock[(data["sku"], data["location"])] == data["on_hand"], key


def test_applying_the_same_page_twice_gives_the_same_store(central, store, agents):
    connect_store(store, central)
    catalog.save_promotion(central.ctx, name="Aqua hemat", kind="percent", value=1000, skus=["SKU-00001"])
    page = agents().client.pull(0, 10_000)
    from common.tables import utcnow

    apply.apply_page(store.db, page, utcnow())
    once = store_state(store)
    with store.db.unit_of_work() as s:  # as if the cursor had not been saved
        s.get(SyncStatus, 1).cursor = 0
    apply.apply_page(store.db, page, utcnow())
    assert store_state(store) == once
    with store.db.sessions() as s:
        promo = s.scalar(select(Promotion))
        assert (promo.name, promo.kind, promo.value, json.loads(promo.skus)) == (
            "Aqua hemat",
            "percent",
            1000,
            ["SKU-00001"],
        )


def test_a_barcode_moved_to_another_product_at_central_moves_at_the_store(central, store, agents):
    connect_store(store, central)
    agent = agents()
    sync_until_clean(agent)
    old = catalog.get_product(central.ctx, "SKU-00001")
    catalog.save_product(
        central.ctx,
        "SKU-00001",
        name=old["name"],
        price=old["price"],
        barcode="2000000000015",
        category=old["category"],
        tax_group=old["tax_group"],
    )
    target = catalog.get_product(central.ctx, "SKU-00002")
    catalog.save_product(
        central.ctx,
        "SKU-00002",
        name=target["name"],
        price=target["price"],
        barcode=old["barcode"],
        category=target["category"],
        tax_group=target["tax_group"],
    )
    sync_until_clean(agent)
    with store.db.sessions() as s:
        assert s.scalar(select(Product.sku).where(Product.barcode == old["barcode"])) == "SKU-00002"
        assert s.scalar(select(Product.barcode).where(Product.sku == "SKU-00001")) == "2000000000015"


def test_a_page_with_topics_this_agent_does_not_know_is_applied_without_them(store):
    from common.tables import utcnow

    page = {
        "epoch": "e1",
        "store_seq": 0,
        "cursor": 7,
        "head": 7,
        "more": False,
        "changes": [{"seq": 7, "topic": "coupon_from_the_future", "key": "C1", "data": {"name": "Ani"}}],
    }
    applied, note = apply.apply_page(store.db, page, utcnow())
    assert (applied, note) == (0, None)
    assert state.read(store.db)["cursor"] == 7
