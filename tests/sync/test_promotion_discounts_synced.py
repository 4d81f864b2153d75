"""A till's promotions reach central named on their sale lines (sale.completed version 4), and central, which checks
each against the promotion it offered, finds an honest till's discounts within them: nothing raised."""

from __future__ import annotations

import json

from promokit import promotion_tasks
from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sell, sync_until_clean  # noqa: F401

from central.services import catalog
from central.tables import SaleLine
from pos.adapters.tables import OutboxEvent
from pos.services import checkout, sales, till_sale

AQUA_600 = "8990000100027"  # SKU-00002, Rp 4.500
MIZONE = "8990000100034"  # SKU-00003, Rp 7.000


def _sale_events(store) -> list[tuple[int, dict]]:
    with store.db.sessions() as s:
        rows = s.execute(
            select(OutboxEvent.schema_version, OutboxEvent.payload).where(OutboxEvent.type == "sale.completed")
        ).all()
    return [(v, json.loads(p)) for v, p in rows]


def test_a_tills_multi_buy_and_percent_promotions_sync_named_on_their_lines_and_raise_nothing(
    central, store, open_till, agents
):
    connect_store(store, central)
    free = catalog.save_promotion(central.ctx, name="Aqua hemat", kind="free", value=1, skus=["SKU-00001"], set_qty=3)
    pct = catalog.save_promotion(central.ctx, name="Hemat 15%", kind="percent", value=1500, skus=["SKU-00002"])
    agent = agents()
    sync_until_clean(agent)
    sold = sell(store, open_till, [(AQUA_330, 4), (AQUA_600, 2)])
    assert [l["line_discount"] for l in sold["lines"]] == [3_500, 1_350], "one Aqua free; 15% of Rp 9.000"

    # the cashier's own line discount replaces the promotion on its line: sent without a promotion
    view, _ = till_sale.create_sale(store, open_till)
    view = till_sale.add_line(store, open_till, view["id"], barcode=AQUA_600, qty=1)
    view = till_sale.add_line(store, open_till, view["id"], barcode=MIZONE, qty=1)
    view = sales.apply_discount(store, open_till, view["id"], "amount", 200, line_id=view["lines"][0]["id"])
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"], None)
    checkout.complete(store, open_till, view["id"])
    sync_until_clean(agent)

    events = _sale_events(store)
    assert [v for v, _ in events] == [5, 5]  # version 4's promotions, and version 5's approver
    named = [[(l["sku"], l.get("promotion_id"), l["line_discount"]) for l in p["lines"]] for _, p in events]
    assert sorted(named) == sorted(
        [
            [("SKU-00001", free["id"], 3_500), ("SKU-00002", pct["id"], 1_350)],
            [("SKU-00002", None, 200), ("SKU-00003", None, 0)],
        ]
    )
    assert central.count(SaleLine) == 4 and promotion_tasks(central) == []


def test_a_promotion_cut_at_central_while_a_sale_is_open_keeps_the_scanned_discount_and_raises_nothing(
    central, store, open_till, agents
):
    connect_store(store, central)
    pct = catalog.save_promotion(central.ctx, name="Hemat", kind="percent", value=2000, skus=["SKU-00001"])
    agent = agents()
    sync_until_clean(agent)
    view = till_sale.add_line(store, open_till, None, barcode=AQUA_330, qty=2)
    assert view["lines"][0]["line_discount"] == 1_400, "20% when scanned"
    catalog.save_promotion(
        central.ctx, name="Hemat", kind="percent", value=500, skus=["SKU-00001"], promotion_id=pct["id"]
    )
    sync_until_clean(agent)  # the till now has 5%; the open sale keeps what it was rung up with
    till_sale.add_tender(store, open_till, view["id"], "cash", view["total"], None)
    assert checkout.complete(store, open_till, view["id"])["lines"][0]["line_discount"] == 1_400
    sync_until_clean(agent)
    assert central.count(SaleLine) == 1 and promotion_tasks(central) == [], "20% is terms central once offered"
