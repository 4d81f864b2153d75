"""The admin's daily settlement report: gateway settlements and refunds (online orders and till QRIS) against the
sales and refunds recorded, per day, with each payment that has no counterpart yet listed; in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from paykit import AQUA_330 as ONLINE_AQUA
from paykit import admin, new_cart, standin, start  # noqa: F401
from qriskit import AQUA_330, AQUA_600, connected, pay_at_gateway, ring
from servekit import clear_of_midnight
from sqlalchemy import select
from synckit import agents, central, pg_url, sync_until_clean  # noqa: F401

from central.services import report_days, settlement_report
from pos.adapters.tables import SaleLine
from pos.services import checkout, refunds, till_qris

MANAGER = {"staff_code": "9001", "pin": "4321"}


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_the_settlement_report_matches_gateway_payments_with_recorded_sales_and_lists_what_is_missing(
    store, open_till, central, standin, agents, admin
):
    # The store, central, the gateway and the sync agent each stamp by their own clock: "today" (the report's first
    # day) is one day throughout only if the test does not span midnight in the report's zone.
    clear_of_midnight(report_days.zone(central.ctx), timedelta(minutes=1))
    shop = connected(store, central)
    cart = new_cart(central.ctx, [(ONLINE_AQUA, 2)])
    standin.press(start(central, cart["id"])["redirect_url"], "pay")  # an online order: Rp 7.000
    sale = ring(shop, open_till, [(AQUA_330, 1), (AQUA_600, 1)])
    charge = till_qris.start(shop, open_till, sale["id"], 8_000)
    pay_at_gateway(standin, charge)
    till_qris.poll(shop, open_till, charge["charge_id"])
    done = checkout.complete(shop, open_till, sale["id"])

    today = settlement_report.report(central.ctx)["days"][0]
    assert (today["gateway_sales"], today["recorded_sales"], today["difference"]) == (15_000, 7_000, 8_000)
    gaps = settlement_report.report(central.ctx)["gaps"]
    assert [(g.kind, g.channel, g.amount) for g in gaps] == [("paid_no_sale", "TOKO-01", 8_000)]
    page = admin.get("/admin/settlements").get_data(as_text=True)
    assert 'data-kind="paid_no_sale"' in page and "Dibayar di gateway" in page  # Indonesian first
    gap = page[page.index('data-kind="paid_no_sale"') :]
    assert "<td>Omnitoko Kemang <small>TOKO-01</small></td>" in gap[: gap.index("</tr>")]  # the store by its name

    agent = agents()
    sync_until_clean(agent)  # the store's sale reaches central
    with shop.db.sessions() as s:
        line = s.scalar(select(SaleLine.id).where(SaleLine.sale_id == sale["id"], SaleLine.sku == "SKU-00002"))
    refunds.refund(shop, open_till, done["number"], [(line, 1)], MANAGER, "qris_dynamic", "rusak")
    mid = settlement_report.report(central.ctx)
    assert [(g.kind, g.amount) for g in mid["gaps"]] == [("refund_not_recorded", 4_500)]
    sync_until_clean(agent)
    after = settlement_report.report(central.ctx)
    today = after["days"][0]
    assert (today["gateway_sales"], today["recorded_sales"]) == (15_000, 15_000)
    assert (today["gateway_refunds"], today["recorded_refunds"], today["difference"]) == (4_500, 4_500, 0)
    assert after["gaps"] == []
    page = admin.get("/admin/settlements?lang=en").get_data(as_text=True)
    assert "Every gateway payment has its recorded sale and refunds." in page and "Daily gateway settlement" in page
    bad = admin.get("/admin/settlements?from=2026-13-01", follow_redirects=True).get_data(as_text=True)
    assert "Not a valid date" in bad
