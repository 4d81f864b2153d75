"""Head office's sales by store across Indonesia's three zones, on SQLite and PostgreSQL: each store's days are its
own (WIB, WITA, WIT, as its own daily report counts them), the online shop's and an unknown zone's are the shop's
(WIB), the chain's day is the sum of each place's own day; central learns a store's zone from its sales (a forged
one is refused), and a report read while stores in three zones push never shows part of a sale."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select, text, update
from synckit import STORE, central, make_event, pg_url  # noqa: F401
from test_central_admin import admin  # noqa: F401 - the signed-in admin client
from test_chain_sales import read_while_pushing, refund_of, sale
from test_money_migrations import old_central_url, previous_heads  # noqa: F401 - a database not migrated yet

from central.migrate import alembic_config
from central.migrate import upgrade as central_upgrade
from central.services import chain_sales, stores
from central.services import push as push_service
from central.services.envelope import Event
from central.tables import Store
from common.contract.wire import canonical_json

DEC4, DEC5, DEC6 = date(2026, 12, 4), date(2026, 12, 5), date(2026, 12, 6)
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
MIDNIGHT_PAST = "2026-12-04T16:30:00"  # 23:30 WIB on 4 Dec = 00:30 WITA and 01:30 WIT on 5 Dec


def zoned(store_id: str, n: int, at: str, zone: str) -> dict[str, Any]:
    """A Rp 7.000 sale at `at` (UTC) as a store on `zone` sends it (sale.completed version 2)."""
    return {**sale(store_id, n, at), "timezone": zone}


def event_of(seq: int, payload: dict[str, Any], store_id: str, kind: str = "sale.completed") -> Event:
    if kind != "sale.completed" or "timezone" not in payload:
        return make_event(seq, payload, kind, store_id=store_id)
    digest = hashlib.sha256(canonical_json(payload).encode()).hexdigest()
    return Event(str(uuid.uuid4()), store_id, "T1", seq, kind, 2, payload, digest)


def push(central: Any, store_id: str, *events: tuple[str, dict[str, Any]], first: int = 1) -> list[str]:
    evs = [event_of(first + i, p, store_id, kind) for i, (kind, p) in enumerate(events)]
    return [r["outcome"] for r in push_service.push(central.ctx, store_id, "T1", evs)["results"]]


def sells(central: Any, store_id: str, *events: tuple[str, dict[str, Any]], first: int = 1) -> None:
    outcomes = push(central, store_id, *events, first=first)
    assert outcomes == ["applied"] * len(events), outcomes


def zone_of(central: Any, store_id: str) -> str | None:
    with central.ctx.db.sessions() as s:
        return s.scalar(select(Store.timezone).where(Store.id == store_id))


def three_zones(central: Any) -> None:
    """At the same instant, TOKO-01 (WIB) sells at 23:30 on 4 Dec, TOKO-02 (WITA) at 00:30 and TOKO-03 (WIT) at
    01:30 on 5 Dec; TOKO-02 refunds its sale at 00:15 WITA on 6 Dec. All last heard from on 7 Dec."""
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Makassar")
    stores.add_store(central.ctx, "TOKO-03", "Omnitoko Jayapura")
    sells(central, STORE, ("sale.completed", zoned(STORE, 1, MIDNIGHT_PAST, WIB)))
    makassar = zoned("TOKO-02", 1, MIDNIGHT_PAST, WITA)
    sells(
        central,
        "TOKO-02",
        ("sale.completed", makassar),
        ("refund.completed", refund_of(makassar, 2, "2026-12-05T16:15:00")),
    )
    sells(central, "TOKO-03", ("sale.completed", zoned("TOKO-03", 1, MIDNIGHT_PAST, WIT)))
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).values(last_push_at=datetime(2026, 12, 7, 1), reported_outbox_depth=0))


def per_store(data: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {r["id"]: (r["sales"], r["net"]) for r in data["stores"]}


def test_each_store_counts_its_own_days_and_the_chains_day_sums_them(central):
    three_zones(central)
    data = chain_sales.report(central.ctx, DEC4, DEC6)
    assert {r["id"]: r["zone"] for r in data["stores"]} == {STORE: "WIB", "TOKO-02": "WITA", "TOKO-03": "WIT"}
    assert data["zones"] == ["WIB", "WITA", "WIT"] and data["shop_zone"] == "WIB"
    days = {d["date"]: (d["sales"], d["refunded"], d["net"]) for d in data["days"]}
    assert days == {DEC4: (1, 0, 7_000), DEC5: (2, 0, 14_000), DEC6: (0, 3_500, -3_500)}, (
        "23:30 WIB is the 4th; 00:30 WITA and 01:30 WIT the 5th; a refund at 00:15 WITA the 6th"
    )
    assert data["totals"]["net"] == sum(d["net"] for d in data["days"]) == 17_500
    assert per_store(chain_sales.report(central.ctx, DEC4, DEC4)) == {
        STORE: (1, 7_000),
        "TOKO-02": (0, 0),
        "TOKO-03": (0, 0),
    }
    only_5th = chain_sales.report(central.ctx, DEC5, DEC5)
    assert per_store(only_5th) == {STORE: (0, 0), "TOKO-02": (1, 7_000), "TOKO-03": (1, 7_000)}
    assert [(d["date"], d["sales"]) for d in only_5th["days"]] == [(DEC5, 2)]
    assert per_store(chain_sales.report(central.ctx, DEC6, DEC6))["TOKO-02"] == (0, -3_500)


def test_a_store_whose_zone_is_unknown_and_the_online_shop_count_by_the_shops_clock(central):
    stores.add_store(central.ctx, "TOKO-09", "Omnitoko Lama")
    sells(central, "TOKO-09", ("sale.completed", sale("TOKO-09", 1, MIDNIGHT_PAST)))  # version 1: no zone
    assert zone_of(central, "TOKO-09") is None
    data = chain_sales.report(central.ctx, DEC4, DEC5)
    row = next(r for r in data["stores"] if r["id"] == "TOKO-09")
    assert (row["sales"], row["zone"], row["timezone"]) == (1, "WIB", WIB)
    assert [(d["date"], d["sales"]) for d in data["days"]] == [(DEC4, 1), (DEC5, 0)], "23:30 WIB: the 4th"
    assert data["zones"] == ["WIB"]


def test_a_forged_or_unknown_zone_is_refused_and_leaves_the_stores_clock_as_it_was(central):
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Makassar")
    sells(central, "TOKO-02", ("sale.completed", zoned("TOKO-02", 1, MIDNIGHT_PAST, WITA)))
    for n, forged in enumerate(("Asia/Atlantis", "Mars/Olympus_Mons", "../../etc/passwd"), start=2):
        assert push(central, "TOKO-02", ("sale.completed", zoned("TOKO-02", n, MIDNIGHT_PAST, forged)), first=n) == [
            "rejected"
        ], forged
        assert zone_of(central, "TOKO-02") == WITA, forged
    assert per_store(chain_sales.report(central.ctx, DEC5, DEC5))["TOKO-02"] == (1, 7_000), "only the real sale"


def test_a_store_that_sends_a_new_zone_is_counted_by_it_and_an_unchanged_zone_writes_nothing(central):
    stores.add_store(central.ctx, "TOKO-02", "Omnitoko Balikpapan")
    written: list[int] = []

    def watch(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE stores SET timezone"):
            written.append(cursor.rowcount)

    event.listen(central.ctx.db.engine, "after_cursor_execute", watch)
    try:
        sells(central, "TOKO-02", ("sale.completed", zoned("TOKO-02", 1, "2026-12-04T10:00:00", WIB)))
        assert zone_of(central, "TOKO-02") == WIB and written == [1]
        sells(central, "TOKO-02", ("sale.completed", zoned("TOKO-02", 2, "2026-12-04T11:00:00", WIB)), first=2)
        assert written == [1, 0], "the same zone again: no row written"
        # moved to WITA's clock: a batch whose last sale names the new zone
        sells(
            central,
            "TOKO-02",
            ("sale.completed", zoned("TOKO-02", 3, "2026-12-04T12:00:00", WIB)),
            ("sale.completed", zoned("TOKO-02", 4, MIDNIGHT_PAST, WITA)),
            first=3,
        )
        assert zone_of(central, "TOKO-02") == WITA and written == [1, 0, 1]
    finally:
        event.remove(central.ctx.db.engine, "after_cursor_execute", watch)
    assert per_store(chain_sales.report(central.ctx, DEC5, DEC5))["TOKO-02"] == (1, 7_000), "00:30 WITA: the 5th"


def test_a_store_is_complete_once_its_own_day_has_ended(central):
    three_zones(central)
    heard = datetime(2026, 12, 5, 15, 30)  # 00:30 WIT on the 6th; still 22:30 on the 5th in WIB
    with central.ctx.db.unit_of_work() as s:
        s.execute(update(Store).values(last_push_at=heard))
    data = chain_sales.report(central.ctx, DEC4, DEC5)
    assert {r["id"]: r["incomplete"] for r in data["stores"]} == {STORE: True, "TOKO-02": True, "TOKO-03": False}


def test_the_page_says_whose_clock_and_marks_each_stores_zone_and_the_csv_has_it(central, admin):
    three_zones(central)
    page = admin.get("/admin/sales?from=2026-12-04&to=2026-12-06&lang=id").get_data(as_text=True)
    assert "Hari menurut jam masing-masing toko (WIB/WITA/WIT); toko online menurut jam WIB." in page
    assert 'data-store="TOKO-02" data-net="3500" data-zone="WITA"' in page
    assert '<small class="zone" title="Hari toko ini menurut jam WITA">WITA</small>' in page
    assert page.count('class="zone"') == 2, "no mark beside a store on the shop's clock"
    sheet = admin.get("/admin/sales?from=2026-12-04&to=2026-12-06&format=csv&lang=en").get_data(as_text=True)
    lines = sheet.lstrip("\ufeff").splitlines()
    assert lines[0].endswith(",Last heard from,Time zone")
    assert {line.split(",")[0]: line.split(",")[-1] for line in lines[1:]} == {
        STORE: "WIB",
        "TOKO-02": "WITA",
        "TOKO-03": "WIT",
    }


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_a_stores_first_zoned_sale_arriving_while_the_report_is_read_is_not_counted_on_the_shops_clock(central):
    """The report reads the stores' zones and their sales in one snapshot: a WIT store's first sale (22:15 WIB on the
    4th, 00:15 WIT on the 5th) committed just after the zones were read is left for the next report, not put on the
    4th by the shop's clock."""
    stores.add_store(central.ctx, "TOKO-22", "Omnitoko Jayapura")
    arrived: list[bool] = []

    def sale_arrives(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not arrived and statement.startswith("SELECT stores.id"):
            arrived.append(True)
            sells(central, "TOKO-22", ("sale.completed", zoned("TOKO-22", 1, "2026-12-04T15:15:00", WIT)))

    event.listen(central.ctx.db.engine, "after_cursor_execute", sale_arrives)
    try:
        during = chain_sales.report(central.ctx, DEC4, DEC5)
    finally:
        event.remove(central.ctx.db.engine, "after_cursor_execute", sale_arrives)
    assert arrived and per_store(during)["TOKO-22"] == (0, 0)
    after = chain_sales.report(central.ctx, DEC4, DEC5)
    assert [(d["date"], d["sales"]) for d in after["days"]] == [(DEC4, 0), (DEC5, 1)]


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_a_report_read_while_stores_in_three_zones_push_is_always_whole(central):
    names = {"TOKO-20": WIB, "TOKO-21": WITA, "TOKO-22": WIT, "TOKO-23": WITA}
    for name in names:
        stores.add_store(central.ctx, name)

    def store(name: str) -> None:
        for n in range(1, 13):
            at = (datetime(2026, 12, 4, 15) + timedelta(minutes=15 * n)).isoformat()  # 22:15 WIB to 01:00 WIB
            sells(central, name, ("sale.completed", zoned(name, n, at, names[name])), first=n)

    def read() -> tuple[dict[str, Any], dict[str, Any]]:
        return chain_sales.report(central.ctx, DEC4, DEC5), chain_sales.report(central.ctx, DEC4, DEC4)

    for both, fourth in read_while_pushing(names, store, read):
        t = both["totals"]
        assert t["gross"] == 7_000 * t["sales"], "every sale whole or not at all"
        assert all(r["gross"] == 7_000 * r["sales"] for r in both["stores"])
        assert sum(d["sales"] for d in both["days"]) == t["sales"] and sum(d["net"] for d in both["days"]) == t["net"]
        on_4th = per_store(fourth)
        assert on_4th["TOKO-22"] == (0, 0), "a WIT sale is never on the 4th, even read as its zone arrives"
        assert on_4th["TOKO-21"][0] <= 3 and on_4th["TOKO-23"][0] <= 3 and on_4th["TOKO-20"][0] <= 7
    final = per_store(chain_sales.report(central.ctx, DEC4, DEC4))
    # 22:15-23:45 WIB is the 4th: 7 sales in WIB; in WITA (23:15-23:45) 3; in WIT (00:15 on the 5th on) none
    assert final == {
        STORE: (0, 0),
        "TOKO-20": (7, 49_000),
        "TOKO-21": (3, 21_000),
        "TOKO-22": (0, 0),
        "TOKO-23": (3, 21_000),
    }
    both = chain_sales.report(central.ctx, DEC4, DEC5)
    assert both["totals"]["sales"] == 48 and [d["sales"] for d in both["days"]] == [13, 35]


def test_the_upgrade_gives_each_store_the_zone_of_its_latest_sale(old_central_url):
    central_upgrade(old_central_url, previous_heads(alembic_config(old_central_url), "0014_store_timezone")[0])
    engine = create_engine(old_central_url)
    store = (
        "INSERT INTO stores (id, name, token_hash, active, last_seq, created_at) VALUES (:id, '', :id, true, 0, :at)"
    )
    sold = (
        "INSERT INTO sales (id, store_id, number, till_id, completed_at, timezone, currency, subtotal, discount, tax,"
        " rounding, total, paid, change, event_id, recorded_at) VALUES (:id, :store, :id, 'T1', :at, :zone, 'IDR',"
        " 7000, 0, 0, 0, 7000, 7000, 0, :id, :at)"
    )
    at = datetime(2026, 12, 4, 10)
    with engine.begin() as c:
        for name in ("TOKO-01", "TOKO-02", "TOKO-03"):
            c.execute(text(store), {"id": name, "at": at})
        for i, (name, zone, hours) in enumerate(
            [("TOKO-01", WIB, 1), ("TOKO-01", WITA, 2), ("TOKO-01", None, 3), ("TOKO-02", WIT, 1), ("TOKO-03", None, 1)]
        ):
            c.execute(text(sold), {"id": f"S{i}", "store": name, "at": at + timedelta(hours=hours), "zone": zone})
    engine.dispose()
    central_upgrade(old_central_url)
    engine = create_engine(old_central_url)
    with engine.connect() as c:
        got = dict(c.execute(text("SELECT id, timezone FROM stores")).all())
    engine.dispose()
    assert got == {"TOKO-01": WITA, "TOKO-02": WIT, "TOKO-03": None}, "the latest sale naming a zone; none: unknown"
