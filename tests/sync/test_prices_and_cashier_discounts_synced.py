"""A real till's sales reach central at the prices central sent it, with the cashier's own discounts (a manager's
approval named in sale.completed version 5), and central, which checks each unit price against every price it set
and the cashier's discounts against the chain's limit, finds an honest till's sales within them: nothing raised,
even for a store that sold through a price change central made while it was offline."""

from __future__ import annotations

import json

from promokit import claim_tasks, promotion_tasks
from sqlalchemy import select
from synckit import AQUA_330, agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401

from central.services import catalog, manual_discount_checks, price_checks
from central.tables import Sale
from pos.adapters.tables import OutboxEvent
from pos.services import checkout, sales, till_sale

AQUA_600 = "8990000100027"  # SKU-00002, Rp 4.500
MANAGER = {"staff_code": "9001", "pin": "4321"}


def _sell(store, till, items: list[tuple[str, int]], off: int, line: int | None = None, approval=None) -> dict:
    """Scan, give the cashier's own discount of `off` Rupiah (on line `line`, else on the whole sale), pay, complete."""
    view, _ = till_sale.create_sale(store, till)
    for barcode, qty in items:
        view = till_sale.add_line(store, till, view["id"], barcode=barcode, qty=qty)
    line_id = view["lines"][line]["id"] if line is not None else None
    view = sales.apply_discount(store, till, view["id"], "amount", off, line_id=line_id, approval=approval)
    till_sale.add_tender(store, till, view["id"], "cash", view["total"], None)
    return checkout.complete(store, till, view["id"])


def test_a_till_offline_through_a_price_change_and_its_cashiers_discounts_raise_nothing(
    central, store, open_till, agents
):
    connect_store(store, central)
    agent = agents()
    sync_until_clean(agent)
    catalog.set_price(central.ctx, "SKU-00001", 3_800)  # the store is offline: it still sells Aqua at Rp 3.500
    within = _sell(store, open_till, [(AQUA_330, 2), (AQUA_600, 1)], 700, line=0)  # 10% of the line: no manager
    approved = _sell(store, open_till, [(AQUA_600, 1)], 2_000, approval=MANAGER)  # 44% of the sale: approved
    assert [l["unit_price"] for l in within["lines"]] == [3_500, 4_500]
    sync_until_clean(agent)  # pushes both, and pulls the new price
    after = _sell(store, open_till, [(AQUA_330, 1)], 380, line=0)  # 10% of the new price
    assert after["lines"][0]["unit_price"] == 3_800
    sync_until_clean(agent)

    with store.db.sessions() as s:
        sent = {
            json.loads(p)["number"]: (v, json.loads(p).get("discount_approved_by"))
            for v, p in s.execute(
                select(OutboxEvent.schema_version, OutboxEvent.payload).where(OutboxEvent.type == "sale.completed")
            )
        }
    assert sent[approved["number"]][0] == 5 and sent[approved["number"]][1], "the manager who approved is named"
    assert sent[within["number"]] == (5, None) and sent[after["number"]] == (5, None)
    assert central.count(Sale) == 3
    assert claim_tasks(central, price_checks.KIND) == [] and claim_tasks(central, manual_discount_checks.KIND) == []
    assert promotion_tasks(central) == []
