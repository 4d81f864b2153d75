"""A weighed sale goes from the till to central exactly: sale.completed v3 with grams and the measure, central's
checks pass with the till's rounding, central's stock drops by the grams; a partial refund by weight follows; the
product's measure and item code come down the feed (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select
from synckit import STORE, agents, central, connect_store, pg_url, sell_by_weight, sync_until_clean  # noqa: F401

from central.tables import DeadLetter, RefundLine, SaleLine, StockLevel
from common.scale_labels import LabelLayout
from pos.adapters.tables import Product
from pos.services import checkout, refunds, till_sale

MANAGER = {"staff_code": "9001", "pin": "4321"}


def central_stock(central, sku):  # noqa: ANN001, ANN201
    rows = central.rows(select(StockLevel.on_hand).where(StockLevel.location == STORE, StockLevel.sku == sku))
    return rows[0][0] if rows else 0


def test_a_weighed_sale_and_a_refund_by_weight_reach_central_in_grams(central, store, open_till, agents):  # noqa: F811
    sell_by_weight(central, 44_000)
    connect_store(store, central)
    agent = agents()
    sync_until_clean(agent)  # the product (its new price per kg, measure and item code) comes down the feed
    with store.db.sessions() as s:
        p = s.scalar(select(Product).where(Product.sku == "SKU-W0003"))
        assert (p.price, p.measure, p.plu) == (44_000, "weight", "103")
    before = central_stock(central, "SKU-W0003")

    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=LabelLayout().make("20", 103, 1_337))
    assert view["total"] == 58_828  # 1,337 kg x Rp 44.000 = 58.828
    till_sale.add_tender(store, open_till, view["id"], "cash", 60_000)
    sale = checkout.complete(store, open_till, view["id"])
    refunds.refund(store, open_till, sale["number"], [(sale["lines"][0]["id"], 337)], MANAGER)
    sync_until_clean(agent)

    assert central.count(DeadLetter) == 0
    [(qty, measure, net)] = central.rows(
        select(SaleLine.qty, SaleLine.measure, SaleLine.net).where(SaleLine.sale_id == sale["id"])
    )
    assert (qty, measure, net) == (1_337, "weight", 58_828)
    assert central.rows(select(RefundLine.qty)) == [(337,)]
    assert central_stock(central, "SKU-W0003") == before - 1_000
