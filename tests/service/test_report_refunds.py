"""The sales report with refunds: every table adds up to the summary's Neto (sales less refunds paid out), each
tender's net is what it took less what went back to it, and PPN comes off with the refunds. Figures by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER
from sqlalchemy import select
from test_reports import CHITATO, at, ring

from pos.adapters.tables import SaleLine
from pos.services import refunds, reports
from pos.services.auth import Actor
from pos.services.context import StoreContext

# Chitato (SKU-00056) is a snack at Rp 11.500; the Aquas are drinks


def give_back(store: StoreContext, till: Actor, sale: dict, sku: str, qty: int) -> dict:
    with store.db.sessions() as s:
        line = s.scalar(select(SaleLine).where(SaleLine.sale_id == sale["id"], SaleLine.sku == sku))
    return refunds.refund(store, till, sale["number"], [(line.id, qty)], MANAGER)


@pytest.fixture
def day(store: StoreContext, open_till: Actor) -> Iterator[dict]:
    """20/11/2026 (local, UTC+7): four sales from 09:00, then three refunds from 15:00."""
    till = open_till
    at(store, "2026-11-20T02:00:00")
    s1 = ring(store, till, [(AQUA_330, 2), (AQUA_600, 1)], "cash", 20_000)  # 11.500, change 8.500; PPN 1.140
    s2 = ring(store, till, [(CHITATO, 2)], "card")  # 23.000; PPN 2.279
    s3 = ring(store, till, [(AQUA_600, 2)], "cash")  # 9.000; PPN 892
    # 11.500 + 3.500 = 15.000 less 10% = 13.500 (lines 10.350 and 3.150); PPN 1.338
    s4 = ring(store, till, [(CHITATO, 1), (AQUA_330, 1)], "cash", percent=10)
    assert [s["total"] for s in (s1, s2, s3, s4)] == [11_500, 23_000, 9_000, 13_500]
    at(store, "2026-11-20T08:00:00")
    backs = [
        give_back(store, till, s2, "SKU-00056", 1),  # 11.500 back to the card it was paid with; PPN 1.140
        give_back(store, till, s3, "SKU-00002", 2),  # the whole sale, 9.000 in cash; PPN 892
        give_back(store, till, s4, "SKU-00001", 1),  # 3.150 (after the 10%) in cash; PPN 312
    ]
    assert [(b["tender_type"], b["amount"]) for b in backs] == [("card", 11_500), ("cash", 9_000), ("cash", 3_150)]
    yield reports.sales_report(store, date(2026, 11, 20), date(2026, 11, 20))


NETO = 57_000 - 23_650  # four sales less three refunds: 33.350


def test_the_summary_takes_the_refunds_and_their_ppn_off(day: dict) -> None:
    s = day["summary"]
    assert (s["total"], s["refunds"], s["net"]) == (57_000, 23_650, NETO)
    assert (s["tax"], s["net_tax"]) == (1_140 + 2_279 + 892 + 1_338, 5_649 - (1_140 + 892 + 312))  # 3.305


def test_every_table_with_a_neto_adds_up_to_the_summary_s(day: dict) -> None:
    tables = day["tables"]
    for name in ("by_day", "by_hour", "by_category", "by_cashier", "tenders", "top_products"):
        assert sum(r["net"] for r in tables[name]) == NETO, name
    assert sum(r["net_tax"] for r in tables["by_day"]) == day["summary"]["net_tax"]


def test_categories_count_what_was_kept(day: dict) -> None:
    rows = day["tables"]["by_category"]
    assert [(r["name"], r["qty"], r["net"]) for r in rows] == [
        ("Makanan Ringan", 3 - 1, 23_000 + 10_350 - 11_500),  # 21.850
        ("Minuman", 6 - 3, 11_500 + 9_000 + 3_150 - 9_000 - 3_150),  # 11.500
    ]


def test_best_sellers_show_sold_returned_and_what_was_kept(day: dict) -> None:
    rows = day["tables"]["top_products"]
    assert [(r["rank"], r["sku"], r["sold"], r["returned"], r["qty"], r["net"]) for r in rows] == [
        (1, "SKU-00056", 3, 1, 2, 21_850),
        (2, "SKU-00001", 3, 1, 2, 7_000),
        (3, "SKU-00002", 3, 2, 1, 4_500),
    ]


def test_each_tender_shows_taken_refunded_and_net(day: dict) -> None:
    rows = day["tables"]["tenders"]
    assert [(r["type"], r["sales"], r["taken"], r["refunded"], r["net"]) for r in rows] == [
        ("cash", 3, 11_500 + 9_000 + 13_500, 9_000 + 3_150, 21_850),
        ("card", 1, 23_000, 11_500, 11_500),  # what the card machine's batch says
    ]
    assert all(r["net"] == r["taken"] - r["refunded"] for r in rows)


def test_refunds_come_off_the_hour_they_were_paid_out(day: dict) -> None:
    busy = [
        (r["hour"], r["total"], r["refunds"], r["net"]) for r in day["tables"]["by_hour"] if r["sales"] or r["refunds"]
    ]
    assert busy == [(9, 57_000, 0, 57_000), (15, 0, 23_650, -23_650)]
