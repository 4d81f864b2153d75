"""A sale rung up at the till reaches the central store once; central's catalog reaches the till."""

from __future__ import annotations

from sqlalchemy import select
from synckit import AQUA_330, STORE, agents, central, connect_store, pg_url, sell, sync_until_clean  # noqa: F401

from central.services import catalog
from central.tables import Sale, SaleLine, StockLevel, Tender
from pos.adapters.tables import OutboxEvent, Product, Promotion, RemoteStock
from pos.services import checkout, till_sale


def test_a_completed_sale_is_at_central_once_with_its_lines_tenders_and_stock(central, store, open_till, agents):
    connect_store(store, central)
    sale = sell(store, open_till, [(AQUA_330, 3)])
    before = dict(central.rows(select(StockLevel.sku, StockLevel.on_hand).where(StockLevel.location == STORE)))
    rep = sync_until_clean(agents())
    assert rep.push.applied == 2  # shift.opened and sale.completed
    assert central.count(Sale, Sale.id == sale["id"]) == 1
    assert central.count(SaleLine) == 1 and central.count(Tender) == 1
    after = dict(central.rows(select(StockLevel.sku, StockLevel.on_hand).where(StockLevel.location == STORE)))
    assert after["SKU-00001"] == before["SKU-00001"] - 3
    with store.db.sessions() as s:
        assert s.scalar(select(OutboxEvent).where(OutboxEvent.acked_at.is_(None))) is None


def test_a_price_changed_at_central_applies_to_new_sales_and_not_to_the_sale_in_progress(
    central, store, open_till, agents
):
    connect_store(store, central)
    agent = agents()
    sync_until_clean(agent)
    in_progress, _ = till_sale.create_sale(store, open_till)
    in_progress = till_sale.add_line(store, open_till, in_progress["id"], barcode=AQUA_330, qty=1)
    catalog.set_price(central.ctx, "SKU-00001", 3900)
    catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=1000, skus=["SKU-00002"])
    rep = agent.round()  # one round brings both
    assert rep.ok and rep.pulled == 2
    with store.db.sessions() as s:
        assert s.scalar(select(Product.price).where(Product.sku == "SKU-00001")) == 3900
        assert s.scalar(select(Promotion.name)) == "Hemat Aqua"
    again = till_sale.add_line(store, open_till, in_progress["id"], barcode=AQUA_330, qty=1)
    assert [(l["unit_price"], l["qty"]) for l in again["lines"]] == [(3500, 2)]  # it keeps the price rung at
    till_sale.add_tender(store, open_till, again["id"], "cash", again["total"], None)
    checkout.complete(store, open_till, again["id"])
    new = sell(store, open_till, [(AQUA_330, 1)])
    assert new["lines"][0]["unit_price"] == 3900
    sync_until_clean(agent)
    assert sorted(p for (p,) in central.rows(select(SaleLine.unit_price))) == [3500, 3900]
    with store.db.sessions() as s:
        others = dict(
            s.execute(select(RemoteStock.location, RemoteStock.qty).where(RemoteStock.sku == "SKU-00001")).all()
        )
    assert set(others) == {"TOKO-02", "ONLINE"}  # the stock of the other locations, not our own
