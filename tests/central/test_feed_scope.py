"""A store's feed carries the catalog and its neighbours' stock, not the whole chain's (issue 14)."""

from __future__ import annotations

import uuid

import requests
from synckit import central, pg_url, pull_all  # noqa: F401

from central.services import feed, stock, stores


def receive(central, location: str, sku: str = "SKU-00001", qty: int = 7) -> None:
    with central.ctx.db.unit_of_work() as s:
        feed.append(
            s,
            central.ctx,
            stock.post(s, central.ctx, location, [stock.Movement(str(uuid.uuid4()), sku, qty, "receipt")]),
        )
        feed.append(s, central.ctx, stock.publish(s, central.ctx, location))


def stock_locations(changes: list[dict]) -> set[str]:
    return {c["data"]["location"] for c in changes if c["topic"] == "stock"}


def test_a_stock_change_reaches_only_the_stores_that_have_its_store_as_a_neighbour(central):
    central.ctx.config.sync.neighbours = 2
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("A01", "A02", "A03", "A04", "A05", "A06")}
    for sid in tokens:
        receive(central, sid)
    seen = {sid: stock_locations(pull_all(central, token)) for sid, token in tokens.items()}
    assert seen["A03"] == {"A02", "A04", "ONLINE"}  # one before, one after; the online shop's stock for all
    assert seen["A01"] == {"A02", "A03", "ONLINE"}  # at the start of the list: the two after it
    reached = [sid for sid, locs in seen.items() if "A04" in locs]
    assert len(reached) <= 3 and "A04" not in seen["A01"]  # one change, a few deliveries, never the chain
    products = [c for c in pull_all(central, tokens["A06"]) if c["topic"] == "product"]
    assert len(products) == 40  # the catalog still reaches every store


def test_an_admin_sets_a_stores_neighbours_and_its_next_pull_follows(central):
    tokens = {sid: stores.add_store(central.ctx, sid, sid) for sid in ("B01", "B02", "B03")}
    for sid in tokens:
        receive(central, sid)
    stores.set_neighbours(central.ctx, "B01", None, ["B03"])
    assert stock_locations(pull_all(central, tokens["B01"])) == {"B03", "ONLINE"}
    stores.set_neighbours(central.ctx, "B02", "Bandung", None)  # alone in its region: no other store's stock
    assert stock_locations(pull_all(central, tokens["B02"])) == {"ONLINE"}


def test_the_page_query_reads_by_index_even_before_the_planner_has_statistics(central):
    """A fresh PostgreSQL table (no ANALYZE, autovacuum not yet run) with many rows: no sequential scan."""
    if central.backend != "postgresql":
        return
    from sqlalchemy import text

    with central.ctx.db.unit_of_work() as s:
        s.execute(
            text(
                "INSERT INTO changes (topic, key, seq, scope, data, changed_at) SELECT 'stock', 'K' || g, "
                "100000 + g, 'S' || (g % 500), '{}', now() FROM generate_series(1, 50000) g"
            )
        )
    statement = feed.page_statement("S1", 120000, 150000, 500, ["S2", "S3", "S4"])
    sql = str(statement.compile(central.ctx.db.engine, compile_kwargs={"literal_binds": True}))
    with central.ctx.db.engine.connect() as c:
        plan = "\n".join(r[0] for r in c.execute(text("EXPLAIN " + sql)))
    assert "Seq Scan on changes" not in plan and "ix_changes_scope_seq" in plan, plan


def test_a_store_asks_central_on_demand_who_else_has_a_sku_beyond_its_neighbours(central):
    central.ctx.config.sync.neighbours = 1
    tokens = {sid: stores.add_store(central.ctx, sid, f"Toko {sid}") for sid in ("C01", "C02", "C03", "C04")}
    for sid, qty in (("C02", 5), ("C03", 0), ("C04", 40)):
        receive(central, sid, "SKU-00009", qty)
    assert "C04" not in stock_locations(pull_all(central, tokens["C01"]))  # not in C01's feed ...
    answer = requests.get(
        f"{central.url}/api/v1/stock/SKU-00009", headers={"Authorization": f"Bearer {tokens['C01']}"}, timeout=30
    )
    assert answer.status_code == 200
    got = [(x["location"], x["on_hand"], x["neighbour"]) for x in answer.json()["locations"]]
    assert got[0] == ("C02", 5, True) and ("C04", 40, False) in got  # ... but central tells it on demand
    assert all(loc not in ("C01", "C03") for loc, _, _ in got)  # not itself, nobody with none on hand
    assert answer.json()["locations"][0]["name"] == "Toko C02"
    anonymous = requests.get(f"{central.url}/api/v1/stock/SKU-00009", timeout=30)
    assert anonymous.status_code == 401
