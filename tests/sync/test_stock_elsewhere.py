"""The till, kiosk and manager ask central "who else has this SKU" through the store server, on demand."""

from __future__ import annotations

import uuid

from synckit import STORE, central, connect_store, pg_url  # noqa: F401

from central.services import feed, stock, stores
from pos.services import stock_elsewhere


def receive(central, location: str, sku: str, qty: int) -> None:
    with central.ctx.db.unit_of_work() as s:
        feed.append(
            s,
            central.ctx,
            stock.post(s, central.ctx, location, [stock.Movement(str(uuid.uuid4()), sku, qty, "receipt")]),
        )
        feed.append(s, central.ctx, stock.publish(s, central.ctx, location))


def test_the_store_asks_central_who_else_has_a_product_beyond_its_neighbours(central, store):
    connect_store(store, central)
    stores.add_store(central.ctx, "TOKO-77", "Toko Jauh")
    receive(central, "TOKO-77", "SKU-00001", 12)
    got = stock_elsewhere.elsewhere(store, "SKU-00001")
    assert got["online"] and got["message"] == ""
    assert ("TOKO-77", "Toko Jauh", 12) in [(x["location"], x["name"], x["on_hand"]) for x in got["locations"]]
    assert all(x["location"] != STORE for x in got["locations"])


def test_with_central_unreachable_the_answer_says_so_and_shows_this_store_only(store):
    store.config.sync.central_url, store.config.sync.token = "http://127.0.0.1:9", "t" * 40
    got = stock_elsewhere.elsewhere(store, "SKU-00001")
    assert not got["online"] and got["locations"] == []
    assert got["message"] == "central store unreachable; showing this store only"
    assert isinstance(got["on_hand"], int)
