"""Head office's stock of one product at every place (the admin's product page), from two real stores syncing with
central (SQLite and PostgreSQL): on hand as their ledgers reached central, held for an online cart, on its way in
a transfer, a weighed product in kg, and the places with none counted, not listed."""

from __future__ import annotations

import uuid
from typing import Any

from synckit import central, pg_url, sell_by_weight, signed_in_admin  # noqa: F401
from transferkit import AQUA_330, pair  # noqa: F401

from central.services import carts, feed, stock, stock_by_location, stores
from pos.services import transfers


def figures(central: Any, sku: str) -> dict[str, tuple[int, int, int, int]]:
    data = stock_by_location.of_product(central.ctx, sku)
    return {r["code"]: (r["on_hand"], r["held"], r["free"], r["coming"]) for r in data["rows"]}


def test_a_products_stock_at_each_store_with_what_is_held_and_on_its_way(central, pair):
    a, b = pair
    a.sync()
    b.sync()
    before = figures(central, AQUA_330)
    start_a, start_b = before["TOKO-01"][0], before["TOKO-02"][0]
    transfers.send(a.ctx, a.manager, "TOKO-02", [(AQUA_330, 10)], note="stok akhir pekan")
    a.sync()
    cart = carts.add_item(central.ctx, None, AQUA_330, 3)
    carts.choose_store(central.ctx, cart["id"], "TOKO-02")  # click and collect: 3 held there
    stores.add_store(central.ctx, "TOKO-09", "Omnitoko Bekasi")  # a store with none of it
    now = figures(central, AQUA_330)
    assert now["TOKO-01"] == (start_a - 10, 0, start_a - 10, 0)
    assert now["TOKO-02"] == (start_b, 3, start_b - 3, 10)
    assert "TOKO-09" not in now and stock_by_location.of_product(central.ctx, AQUA_330)["empty"] >= 1

    page = signed_in_admin(central, "en").get(f"/admin/products/{AQUA_330}").get_data(as_text=True)
    assert 'id="stock-by-location"' in page and f'data-location="TOKO-02" data-on-hand="{start_b}"' in page
    assert "other place" in page and "On its way" in page


def test_a_weighed_product_in_kg_and_a_place_below_zero_is_marked(central):
    sell_by_weight(central)  # Apel Fuji, SKU-W0003, sold by the kilo
    with central.ctx.db.unit_of_work() as s:
        moves = [
            stock.Movement(str(uuid.uuid4()), "SKU-W0003", 24_975, "receipt"),
            stock.Movement(str(uuid.uuid4()), "SKU-W0003", -25_000, "sale"),
        ]
        feed.append(s, central.ctx, stock.post(s, central.ctx, "TOKO-01", moves))
    page = signed_in_admin(central).get("/admin/products/SKU-W0003").get_data(as_text=True)
    assert 'class="num bad">-0,025 kg</td>' in page, "sold below zero: red, in kg"
