"""Head office's sales by store (`/admin/sales`), from sales and refunds the stores pushed through central's checks,
on SQLite and PostgreSQL: each store's and the chain's per day figures add up to one net, days follow the shop's
clock (WIB), a store that has not sent everything is marked, bad ranges are a 400 in words, and a report read
while stores push never shows part of a sale."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from synckit import STORE, central, make_event, pg_url, sale_payload  # noqa: F401
from test_central_admin import admin  # noqa: F401 - the signed-in admin client

from central.services import chain_sales, stores
from central.services import push as push_service
from central.tables import Store

DEC1, DEC2 = date(2026, 12, 1), date(2026, 12, 2)


def sale(store_id: str, n: int, at: str) -> dict[str, Any]:
    """A Rp 7.000 sale (two lines of Rp 3.500) completed at `at` (UTC, as the store sends it)."""
    return {**sale_payload(store_id, n), "completed_at": at}


def refund_of(p: dict[str, Any], n: int, at: str) -> dict[str, Any]:
    line = p["lines"][0]
    return {
        "id": str(uuid.uuid4()),
        "number": f"{p['store_id']}-T1-{n:06d}",
        "sale_id": p["sale_id"],
        "till_id": "T1",
        "tender_type": "cash",
        "amount": 3_500,
        "created_at": at,
        "lines": [{"id": str(uuid.uuid4()), "sale_line_id": line["id"], "sku": line["sku"], "qty": 1, "amount": 3_500}],
    }


def pushed(central: Any, store_id: str, *events: tuple[str, dict[str, Any]], first: int = 1) -> None:
    evs = [make_event(first + i, p, kind, store_id=store_id) for i, (kind, p) in enumerate(events)]
    outcomes = [r["outcome"] for r in push_service.push(central.ctx, store_id, "T1", evs)["results"]]
    assert outcomes == ["applied"] * len(evs), outcomes


def two_stores(central: Any) -> None:
    """TOKO-01 sells at 23:30 WIB on 1 Dec and 00:30 WIB on 2 Dec and refunds the first on 2 Dec; TOKO-02 sells
    once on 2 Dec. Both last sent on 3 Dec with nothing waiting."""
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok")
    late, early = sale(STORE, 1, "2026-12-01T16:30:00"), sale(STORE, 2, "2026-12-01T17:30:00")
    pushed(
        central,
        STORE,
        ("sale.completed", late),
        ("sale.completed", early),
        ("refund.completed", refund_of(late, 3, "2026-12-02T03:00:00")),
    )
    pushed(central, "TOKO-02", ("sale.completed", sale("TOKO-02", 1, "2026-12-02T10:00:00")))
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).values(last_push_at=datetime(2026, 12, 3, 1), reported_outbox_depth=0))


def test_each_store_and_each_day_by_the_shops_clock_add_up_to_one_net(central):
    two_stores(central)
    data = chain_sales.report(central.ctx, DEC1, DEC2)
    got = {r["id"]: (r["sales"], r["gross"], r["refunded"], r["net"], r["basket"]) for r in data["stores"]}
    assert got == {"TOKO-01": (2, 14_000, 3_500, 10_500, 7_000), "TOKO-02": (1, 7_000, 0, 7_000, 7_000)}
    assert [r["name"] for r in data["stores"]] == ["Omnitoko Kemang", "Omnitoko Depok"], "biggest net first"
    assert [(d["date"], d["sales"], d["net"]) for d in data["days"]] == [(DEC1, 1, 7_000), (DEC2, 2, 10_500)], (
        "23:30 WIB is the 1st, 00:30 WIB the 2nd"
    )
    assert data["totals"]["net"] == 17_500 == sum(d["net"] for d in data["days"]) and data["incomplete"] == 0
    only_2nd = {r["id"]: r["net"] for r in chain_sales.report(central.ctx, DEC2, DEC2)["stores"]}
    assert only_2nd == {"TOKO-01": 7_000 - 3_500, "TOKO-02": 7_000}, "a refund counts on the day it was paid"


def test_a_store_that_has_not_sent_everything_is_marked_and_one_that_sold_nothing_is_listed(central):
    two_stores(central)
    stores.add_store(central.ctx, "TOKO-03", "Omnitoko Bogor")  # registered, never pushed
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == "TOKO-02").values(reported_outbox_depth=4))
    data = chain_sales.report(central.ctx, DEC1, DEC2)
    marked = {r["id"]: r["incomplete"] for r in data["stores"]}
    assert marked == {"TOKO-01": False, "TOKO-02": True, "TOKO-03": True} and data["incomplete"] == 2
    assert next(r for r in data["stores"] if r["id"] == "TOKO-03")["sales"] == 0


def test_todays_report_marks_only_a_store_not_heard_from_lately(central):
    two_stores(central)
    now = central.ctx.clock()
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).where(Store.id == STORE).values(reported_at=now - timedelta(minutes=1)))
        s.execute(update(Store).where(Store.id == "TOKO-02").values(reported_at=now - timedelta(minutes=10)))
    today = chain_sales.report(central.ctx)  # the last 7 days up to today
    assert {r["id"]: r["incomplete"] for r in today["stores"]} == {STORE: False, "TOKO-02": True}


def test_the_page_and_its_csv_in_the_admins_language_and_bad_ranges_are_a_400_in_words(central, admin):
    two_stores(central)
    page = admin.get("/admin/sales?from=2026-12-01&to=2026-12-02&lang=en").get_data(as_text=True)
    assert 'data-store="TOKO-01" data-net="10500"' in page and "Rp 10.500" in page and "Whole chain by day" in page
    assert 'id="sales-incomplete"' not in page
    wib = ZoneInfo("Asia/Jakarta")
    before = datetime.now(wib).strftime("%H%M")
    sheet = admin.get("/admin/sales?from=2026-12-01&to=2026-12-02&format=csv")
    after = datetime.now(wib).strftime("%H%M")
    assert sheet.mimetype == "text/csv"
    name = sheet.headers["Content-Disposition"]
    assert f"-{before}.csv" in name or f"-{after}.csv" in name, f"made at {before} WIB, as the days: {name}"
    lines = sheet.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert (
        lines[0]
        == "Store code,Store,Transactions,Sales,Refund count,Refunds,Net,Average sale,Last heard from,Time zone"
    )
    assert lines[1] == "TOKO-01,Omnitoko Kemang,2,14000,1,3500,10500,7000,2026-12-03 08:00,WIB", "no zone sent: WIB"
    for query, said in (
        ("from=2026-12-02&to=2026-12-01", "The first day comes after the last."),
        ("from=2025-01-01&to=2026-12-01", "A report covers at most 92 days."),
        ("from=31/02/2026", "Not a valid date: type it as 23/11/2026."),
        ("from=kemarin", "Not a valid date: type it as 23/11/2026."),
    ):
        r = admin.get(f"/admin/sales?{query}&lang=en")
        assert r.status_code == 400 and said in r.get_data(as_text=True), query
    assert admin.get("/admin/sales?from=2025-01-01&to=2026-12-01&format=csv").status_code == 400
    swapped = admin.get("/admin/sales?from=2026-12-02&to=2026-12-01").get_data(as_text=True)
    assert 'name="from" value="02/12/2026"' in swapped and 'name="to" value="01/12/2026"' in swapped, "kept to correct"
    assert 'id="sales-stores"' not in swapped and 'id="sales-csv"' not in swapped, "no figures of a week not asked for"


def read_while_pushing(names: Any, push_all: Callable[[str], None], read: Callable[[], Any]) -> list[Any]:
    """`read()` over and over while each store of `names` runs `push_all(name)` in a thread of its own; all it read."""
    done = threading.Event()
    seen: list[Any] = []
    errors: list[BaseException] = []

    def store(name: str) -> None:
        try:
            push_all(name)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def reader() -> None:
        while not done.is_set():
            seen.append(read())

    pushers = [threading.Thread(target=store, args=(n,)) for n in names]
    looking = threading.Thread(target=reader)
    looking.start()
    for t in pushers:
        t.start()
    for t in pushers:
        t.join()
    done.set()
    looking.join()
    assert not errors, errors
    assert seen
    return seen


def test_a_report_read_while_four_stores_push_never_shows_part_of_a_sale(central):
    names = [f"TOKO-1{i}" for i in range(4)]
    for name in names:
        stores.add_store(central.ctx, name)

    def store(name: str) -> None:
        for n in range(1, 16):
            pushed(central, name, ("sale.completed", sale(name, n, "2026-12-02T05:00:00")), first=n)

    seen = read_while_pushing(names, store, lambda: chain_sales.report(central.ctx, DEC2, DEC2)["totals"])
    assert all(t["gross"] == 7_000 * t["sales"] for t in seen), "every sale whole or not at all"
    final = chain_sales.report(central.ctx, DEC2, DEC2)
    assert (final["totals"]["sales"], final["totals"]["net"]) == (60, 420_000)
    assert {r["id"]: r["sales"] for r in final["stores"]} == dict.fromkeys(names, 15) | {STORE: 0}


@pytest.mark.parametrize("days", [1, 92])
def test_a_range_up_to_92_days_is_one_row_per_day(central, days):
    end = date(2026, 12, 2)
    data = chain_sales.report(central.ctx, date.fromordinal(end.toordinal() - days + 1), end)
    assert len(data["days"]) == days and data["days"][-1]["date"] == end
