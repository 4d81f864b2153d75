"""Upgrades (issue 19): central is upgraded first and reads the last two versions of each event.

Stores write sale.completed version 2 (version 1 plus the store's time zone). A store not yet upgraded still sends
version 1: central applies that stream exactly as it applies the same facts at version 2 (stock, points, sale
totals), on SQLite and PostgreSQL, with both stores pushing at once. A version central does not read (0, or a 5
from a store upgraded before central) is dead-lettered with a reason that says what to do, and the queue moves on.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from loyalty.loyaltykit import add_store, event, member_sale, new_member, push, use_test_key
from sqlalchemy import select
from synckit import (  # noqa: F401
    AQUA_330,
    STORE,
    agents,
    central,
    connect_store,
    pg_url,
    sale_payload,
    sell,
    sync_until_clean,
)

from central.services import catalog
from central.tables import DeadLetter, Member, Sale, StockLevel
from common.contract.events import written_version
from common.contract.names import EventType
from pos.adapters.tables import OutboxEvent, Product
from pos.services import records

OLD, NEW = "TOKO-01", "TOKO-02"  # a store still on the release before, and one already upgraded
ZONE = "Asia/Makassar"  # WITA: the upgraded store is an hour ahead of head office in Jakarta


def stream(store_id: str, member_id: str, version: int) -> list[dict[str, Any]]:
    """A member's sale and its points, a walk-in sale and a delivery, as a store of that version sends them."""
    sale, earn = member_sale(store_id, 1, member_id, qty=3)
    walk_in = event(store_id, 3, EventType.SALE_COMPLETED, sale_payload(store_id, 3, qty=2))
    delivery = event(
        store_id,
        4,
        EventType.STOCK_RECEIVED,
        {"lines": [{"movement_id": str(uuid.uuid4()), "sku": "SKU-00005", "qty": 24}]},
    )
    events = [sale, earn, walk_in, delivery]
    if version == 2:
        for e in events:
            if e["type"] == EventType.SALE_COMPLETED:
                e.update(schema_version=2)
                e["payload"]["timezone"] = ZONE
                e["payload_hash"] = event(store_id, 0, e["type"], e["payload"])["payload_hash"]
    return events


def stock_of(central: Any, store_id: str) -> dict[str, int]:
    return dict(central.rows(select(StockLevel.sku, StockLevel.on_hand).where(StockLevel.location == store_id)))


def sales_of(central: Any, store_id: str) -> list[tuple[Any, ...]]:
    cols = (Sale.subtotal, Sale.discount, Sale.tax, Sale.total, Sale.paid, Sale.change, Sale.timezone)
    return sorted(central.rows(select(*cols).where(Sale.store_id == store_id)))


def test_an_old_stores_version_1_stream_is_applied_exactly_like_the_same_facts_at_version_2(central):
    use_test_key(central)
    new_token = add_store(central, NEW)
    old_member, new_member_ = new_member(central), new_member(central)
    before = {s: stock_of(central, s) for s in (OLD, NEW)}
    answers: dict[str, dict[str, Any]] = {}

    def send(store_id: str, token: str, member_id: str, version: int) -> None:
        answers[store_id] = push(central, token, store_id, stream(store_id, member_id, version))

    both = [
        threading.Thread(target=send, args=(OLD, central.token, old_member["id"], 1)),
        threading.Thread(target=send, args=(NEW, new_token, new_member_["id"], 2)),
    ]
    for t in both:
        t.start()
    for t in both:
        t.join(timeout=60)

    for store_id in (OLD, NEW):
        assert [r["outcome"] for r in answers[store_id]["results"]] == ["applied"] * 4, answers[store_id]
        assert answers[store_id]["store_seq"] == 4
    moved = {s: {k: v - before[s][k] for k, v in stock_of(central, s).items() if v != before[s][k]} for s in (OLD, NEW)}
    assert moved[OLD] == moved[NEW] and moved[OLD]["SKU-00005"] == 24  # the same stock moved, sales and delivery
    with central.ctx.db.sessions() as s:
        points = [s.get(Member, m["id"]).balance for m in (old_member, new_member_)]
    assert points[0] == points[1] == 2  # Rp 21.000 earns 2 points either way
    old_sales, new_sales = sales_of(central, OLD), sales_of(central, NEW)
    assert [row[:-1] for row in old_sales] == [row[:-1] for row in new_sales]  # the same totals
    assert {row[-1] for row in old_sales} == {None} and {row[-1] for row in new_sales} == {ZONE}
    assert central.count(DeadLetter) == 0


@pytest.mark.parametrize(
    ("version", "says"),
    [
        (6, "is newer than this central store: upgrade the central store"),
        (0, "is older than any version this central store still reads"),
    ],
)
def test_a_version_central_does_not_read_is_dead_lettered_saying_what_to_do_and_the_queue_moves_on(
    central, version, says
):
    odd = event(STORE, 1, EventType.SALE_COMPLETED, {**sale_payload(STORE, 1), "timezone": ZONE})
    odd["schema_version"] = version
    fine = event(STORE, 2, EventType.SALE_COMPLETED, sale_payload(STORE, 2))
    results = push(central, central.token, STORE, [odd, fine])["results"]
    assert [(r["outcome"], r["code"]) for r in results] == [("rejected", "unknown_schema_version"), ("applied", None)]
    assert says in results[0]["message"] and "reads version 1, 2, 3, 4, 5" in results[0]["message"]
    [reason] = [d.reason for (d,) in central.rows(select(DeadLetter))]
    assert says in reason  # what head office reads on the admin page
    assert central.count(Sale) == 1


def test_a_version_2_sale_naming_no_real_time_zone_is_dead_lettered_and_moves_nothing(central):
    before = stock_of(central, STORE)
    forged = event(STORE, 1, EventType.SALE_COMPLETED, {**sale_payload(STORE, 1), "timezone": "Mars/Olympus_Mons"})
    forged["schema_version"] = 2
    missing = event(STORE, 2, EventType.SALE_COMPLETED, sale_payload(STORE, 2))
    missing["schema_version"] = 2  # a version 2 sale without the field version 2 added
    results = push(central, central.token, STORE, [forged, missing])["results"]
    assert [(r["outcome"], r["code"]) for r in results] == [("rejected", "bad_payload")] * 2
    assert "'Mars/Olympus_Mons' is not a known time zone" in results[0]["message"]
    assert "timezone" in results[1]["message"]
    assert central.count(Sale) == 0 and stock_of(central, STORE) == before


def test_a_store_on_the_release_before_keeps_syncing_with_an_upgraded_central(
    central, store, open_till, agents, monkeypatch
):
    """The store still writes version 1 (as the release before did); its sales apply and the feed still reaches it."""
    monkeypatch.setattr(
        records, "written_version", lambda t: 1 if t == EventType.SALE_COMPLETED else written_version(t)
    )
    connect_store(store, central)
    agent = agents()
    sync_until_clean(agent)
    before = stock_of(central, STORE)["SKU-00001"]
    sale = sell(store, open_till, [(AQUA_330, 2)])
    catalog.set_price(central.ctx, "SKU-00001", 3700)
    rep = sync_until_clean(agent)
    assert rep.push.applied >= 1 and rep.pulled >= 1
    with store.db.sessions() as s:
        assert s.scalar(select(OutboxEvent.schema_version).where(OutboxEvent.type == EventType.SALE_COMPLETED)) == 1
        assert s.scalar(select(Product.price).where(Product.sku == "SKU-00001")) == 3700  # central's change arrived
    [(total, zone)] = central.rows(select(Sale.total, Sale.timezone).where(Sale.id == sale["id"]))
    assert (total, zone) == (sale["total"], None)
    assert stock_of(central, STORE)["SKU-00001"] == before - 2


def test_an_upgraded_store_writes_the_newest_version_with_its_configured_time_zone(central, store, open_till, agents):
    store.config.store.timezone = ZONE
    connect_store(store, central)
    sale = sell(store, open_till, [(AQUA_330, 1)])
    sync_until_clean(agents())
    with store.db.sessions() as s:
        # version 5 (who approved the cashier's discounts; 4 each line's promotion, 3 the measure), version 2's zone kept
        assert s.scalar(select(OutboxEvent.schema_version).where(OutboxEvent.type == EventType.SALE_COMPLETED)) == 5
    assert central.rows(select(Sale.timezone).where(Sale.id == sale["id"])) == [(ZONE,)]
