"""Sales reports against figures worked out by hand, in the store's local time (Asia/Jakarta, UTC+7)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from service_steps import AQUA_330, AQUA_600, MANAGER
from sqlalchemy import select

from common.csv_export import csv_text, with_unit_column
from common.errors import DomainError
from pos.adapters.tables import SaleLine
from pos.services import auth, checkout, refunds, reports, sales, shifts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext

CHITATO = "8990000100560"  # Chitato Sapi Panggang 68g, snacks, Rp 11.500


def at(store: StoreContext, utc: str) -> None:
    """Stop the store's clock at a UTC time: the facts recorded next carry it."""
    store.clock = lambda: datetime.fromisoformat(utc)


def ring(
    store: StoreContext,
    actor: Actor,
    items: list[tuple[str, int]],
    tender: str,
    amount: int | None = None,
    percent: int | None = None,
) -> dict:
    view, _ = till_sale.create_sale(store, actor)
    for barcode, qty in items:
        view = till_sale.add_line(store, actor, view["id"], barcode=barcode, qty=qty)
    if percent:
        view = sales.apply_discount(store, actor, view["id"], "percent", percent, approval=MANAGER)
    till_sale.add_tender(store, actor, view["id"], tender, amount or view["total"])
    return checkout.complete(store, actor, view["id"])


@pytest.fixture
def week(store: StoreContext, open_till: Actor) -> Iterator[dict]:
    """Five sales and one refund around the local days 20 and 21 November 2026."""
    budi = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, budi, 100_000)
    siti = open_till
    at(store, "2026-11-19T16:59:00")  # 19/11 23:59 local: before the range
    ring(store, siti, [(AQUA_330, 1)], "cash")
    at(store, "2026-11-20T02:15:00")  # 20/11 09:15 local
    first = ring(store, siti, [(AQUA_330, 2), (AQUA_600, 1)], "cash", 20_000)  # 11.500, change 8.500
    at(store, "2026-11-20T16:30:00")  # 20/11 23:30 local
    ring(store, budi, [(AQUA_600, 2)], "card")  # 9.000
    at(store, "2026-11-20T17:30:00")  # 21/11 00:30 local, though still the 20th in UTC
    third = ring(store, siti, [(CHITATO, 2)], "qris", percent=20)  # 23.000 - 4.600 = 18.400
    at(store, "2026-11-21T17:00:00")  # 22/11 00:00 local: after the range
    ring(store, budi, [(AQUA_330, 1)], "cash")
    at(store, "2026-11-21T05:00:00")  # 21/11 12:00 local: one Aqua 330 of the first sale comes back
    with store.db.sessions() as s:
        line = s.scalar(select(SaleLine).where(SaleLine.sale_id == first["id"], SaleLine.sku == "SKU-00001"))
    refunds.refund(store, siti, first["number"], [(line.id, 1)], MANAGER, reason="bocor")
    yield {"first": first, "third": third}


def report(store: StoreContext) -> dict:
    return reports.sales_report(store, date(2026, 11, 20), date(2026, 11, 21))


def test_sales_by_day_follow_local_days_with_refunds_on_the_day_they_were_paid_out(
    store: StoreContext, week: dict
) -> None:
    rows = report(store)["tables"]["by_day"]
    assert [
        (r["date"], r["sales"], r["items"], r["gross"], r["discounts"], r["tax"], r["total"], r["refunds"], r["net"])
        for r in rows
    ] == [
        (date(2026, 11, 20), 2, 5, 20_500, 0, 1_140 + 892, 20_500, 0, 20_500),
        (date(2026, 11, 21), 1, 2, 23_000, 4_600, 1_823, 18_400, 3_500, 14_900),
    ]


def test_the_summary_adds_up_the_range(store: StoreContext, week: dict) -> None:
    assert report(store)["summary"] == {
        "sales": 3,
        "items": 7,
        "gross": 43_500,
        "discounts": 4_600,
        "tax": 3_855,
        "total": 38_900,
        "refunds": 3_500,
        "net": 35_400,
        "net_tax": 3_855 - 347,  # less the PPN inside the Rp 3.500 refunded
        "average": 12_967,
    }


def test_sales_by_hour_use_the_local_hour(store: StoreContext, week: dict) -> None:
    busy = [(r["hour"], r["sales"], r["total"]) for r in report(store)["tables"]["by_hour"] if r["sales"]]
    assert busy == [(0, 1, 18_400), (9, 1, 11_500), (23, 1, 9_000)]
    assert len(report(store)["tables"]["by_hour"]) == 24


def test_sales_by_category_share_the_net_after_discounts_and_refunds(store: StoreContext, week: dict) -> None:
    rows = report(store)["tables"]["by_category"]
    assert [(r["category"], r["name"], r["qty"], r["net"], r["share"]) for r in rows] == [
        ("snacks", "Makanan Ringan", 2, 18_400, 52.0),
        ("drinks", "Minuman", 5 - 1, 20_500 - 3_500, 48.0),
    ]


def test_sales_by_cashier_with_average_basket_discounts_and_refunds(store: StoreContext, week: dict) -> None:
    assert [
        (r["staff_code"], r["name"], r["sales"], r["items"], r["total"], r["average"], r["discounts"], r["refunds"])
        for r in report(store)["tables"]["by_cashier"]
    ] == [
        ("1001", "Siti Rahayu", 2, 5, 29_900, 14_950, 4_600, 3_500),
        ("1002", "Budi Santoso", 1, 2, 9_000, 9_000, 0, 0),
    ]


def test_the_tender_mix_counts_cash_net_of_change_and_refunds(store: StoreContext, week: dict) -> None:
    rows = report(store)["tables"]["tenders"]
    assert [(r["type"], r["sales"], r["taken"], r["refunded"], r["net"], r["share"]) for r in rows] == [
        ("qris", 1, 18_400, 0, 18_400, 52.0),
        ("card", 1, 9_000, 0, 9_000, 25.4),
        ("cash", 1, 11_500, 3_500, 8_000, 22.6),
    ]


def test_top_products_rank_by_net_sales_after_refunds(store: StoreContext, week: dict) -> None:
    rows = report(store)["tables"]["top_products"]
    assert [(r["rank"], r["sku"], r["sold"], r["returned"], r["qty"], r["net"]) for r in rows] == [
        (1, "SKU-00056", 2, 0, 2, 18_400),
        (2, "SKU-00002", 3, 0, 3, 13_500),
        (3, "SKU-00001", 2, 1, 1, 3_500),
    ]
    short = reports.sales_report(store, date(2026, 11, 20), date(2026, 11, 21), top=1)
    assert [r["sku"] for r in short["tables"]["top_products"]] == ["SKU-00056"]


def test_discounts_list_each_discounted_sale_and_the_approving_manager(store: StoreContext, week: dict) -> None:
    [row] = report(store)["tables"]["discounts"]
    assert (
        row["at"],
        row["number"],
        row["cashier"],
        row["gross"],
        row["discount"],
        row["total"],
        row["approved_by"],
    ) == (datetime(2026, 11, 21, 0, 30), week["third"]["number"], "Siti Rahayu", 23_000, 4_600, 18_400, "Dewi Lestari")


def test_refunds_list_who_asked_who_approved_and_why(store: StoreContext, week: dict) -> None:
    [row] = report(store)["tables"]["refunds"]
    assert (
        row["at"],
        row["sale_number"],
        row["cashier"],
        row["approved_by"],
        row["tender"],
        row["amount"],
        row["reason"],
    ) == (datetime(2026, 11, 21, 12, 0), week["first"]["number"], "Siti Rahayu", "Dewi Lestari", "cash", 3_500, "bocor")


def test_every_report_table_exports_to_csv_with_whole_rupiah(store: StoreContext, week: dict) -> None:
    data = report(store)
    for name, columns in reports.COLUMNS.items():
        rows = list(csv.reader(io.StringIO(csv_text(columns, data["tables"][name]))))
        assert rows[0] == [key for key, _ in with_unit_column(columns, data["tables"][name])]
        assert len(rows) == len(data["tables"][name]) + 1
    by_day = list(csv.DictReader(io.StringIO(csv_text(reports.COLUMNS["by_day"], data["tables"]["by_day"]))))
    assert by_day[1] == {
        "date": "2026-11-21",
        "sales": "1",
        "items": "2",
        "gross": "23000",
        "discounts": "4600",
        "tax": "1823",
        "total": "18400",
        "refunds": "3500",
        "net": "14900",
        "net_tax": str(1_823 - 347),
    }


def test_an_empty_range_has_zero_days_and_no_rows(store: StoreContext) -> None:
    data = reports.sales_report(store, date(2026, 1, 1), date(2026, 1, 3))
    assert [r["sales"] for r in data["tables"]["by_day"]] == [0, 0, 0]
    assert data["tables"]["tenders"] == [] and data["summary"]["average"] == 0


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2026, 11, 22), date(2026, 11, 20), "bad_range"),
        (date(2025, 1, 1), date(2026, 11, 20), "range_too_long"),
    ],
)
def test_a_bad_range_is_refused_in_words(store: StoreContext, start: date, end: date, code: str) -> None:
    with pytest.raises(DomainError) as err:
        reports.sales_report(store, start, end)
    assert err.value.code == code and err.value.status == 422
