"""A sale cannot be justified by a promotion head office made after it: a promoted line whose promotion (or the terms
that give its discount) central did not have when the sale says it was completed raises the promotion task, allowing
15 minutes for store clocks and more for a store known to run slow; honest sales (a slow clock, a store offline for
days) raise nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from checkkit import pusher
from promokit import V4, promoted_sale, promotion_tasks, pushed_at_once, tasks_in_csv
from sqlalchemy import update
from synckit import STORE, central, pg_url, signed_in_admin  # noqa: F401

from central.services import catalog
from central.services.promotion_checks import KIND
from central.tables import DeadLetter, Sale, Store

A, B, C = "SKU-00001", "SKU-00002", "SKU-00003"
MADE = datetime(2026, 12, 1, 3, 0)  # 10:00 WIB: when head office makes the promotions


def _at(central, when: datetime) -> None:  # noqa: F811
    central.ctx.clock = lambda: when


def _promotions(central) -> tuple[str, str]:  # noqa: F811
    """10% off A, and a mixed Beli 2 Gratis 1 on A, B and C, both made at MADE."""
    _at(central, MADE)
    pct = catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=1000, skus=[A])
    mixed = catalog.save_promotion(
        central.ctx, name="Campur hemat", kind="free", value=1, skus=[A, B, C], set_qty=3, mixed=True
    )
    return str(pct["id"]), str(mixed["id"])


def _sale(n: int, at: datetime | str | None, lines: list[Any], store: str = STORE) -> dict[str, Any]:
    sale = promoted_sale(store, n, lines)
    sale["completed_at"] = at.isoformat() if isinstance(at, datetime) else at
    return sale


def _lines(pct: str, mixed: str) -> list[Any]:
    """10% off two A; the cheapest of three mixed items free."""
    return [(A, 2, 3_500, 700, pct), (C, 1, 7_000, 0, None), (B, 1, 4_500, 0, None), (A, 1, 3_500, 3_500, mixed)]


def test_a_sale_made_an_hour_before_its_promotions_raises_a_task_per_line_and_honest_sales_nothing(central):  # noqa: F811
    pct, mixed = _promotions(central)
    _at(central, MADE + timedelta(days=3))  # the stores push three days later
    p = pusher(central, STORE)
    p.applied("sale.completed", _sale(1, MADE + timedelta(minutes=1), _lines(pct, mixed)), version=V4)
    p.applied("sale.completed", _sale(2, MADE - timedelta(minutes=5), _lines(pct, mixed)), version=V4)  # slow clock
    p.applied("sale.completed", _sale(3, MADE + timedelta(days=2), _lines(pct, mixed)), version=V4)  # offline for days
    assert central.count(Sale) == 3 and promotion_tasks(central) == [], "every one of them sold after head office"

    p.applied("sale.completed", _sale(4, MADE - timedelta(hours=1), _lines(pct, mixed)), version=V4)
    tasks = promotion_tasks(central)
    assert central.count(Sale) == 4 and central.count(DeadLetter) == 0, "the sale is a fact: recorded all the same"
    assert sorted((t["number"], t["line"], t["why"], t["claimed"], t["most"]) for t in tasks) == [
        (f"{STORE}-T1-000004", 1, "not_yet", 700, 0),
        (f"{STORE}-T1-000004", 4, "not_yet", 3_500, 0),
    ]
    assert {(t["completed_at"], t["since"]) for t in tasks} == {("2026-12-01T02:00:00", "2026-12-01T03:00:00")}
    page = signed_in_admin(central, "id").get("/admin/").get_data(as_text=True)
    said = f"Struk {STORE}-T1-000004 baris 1 (Produk {A}): diskon Rp 700 dengan promo Hemat Aqua pada 01/12/2026 09:00 WIB,"
    assert said in page and "padahal kantor pusat baru membuat promo itu pada 01/12/2026 10:00 WIB" in page
    assert tasks_in_csv(central, "Discount beyond its promotion") == [
        f"Sale {STORE}-T1-000004 line {n} (Produk {A}): Rp {off} off under promotion {name} at 01/12/2026 09:00 WIB, "
        "but head office created that promotion only at 01/12/2026 10:00 WIB. Check the sale with the store."
        for n, off, name in ((1, 700, "Hemat Aqua"), (4, "3.500", "Campur hemat"))
    ]


def test_terms_made_more_generous_after_the_sale_do_not_justify_it(central):  # noqa: F811
    pct, mixed = _promotions(central)
    _at(central, MADE + timedelta(hours=2))  # 20% off A, and one of every two mixed items free, from 12:00 WIB
    catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=2000, skus=[A], promotion_id=pct)
    catalog.save_promotion(
        central.ctx,
        name="Campur hemat",
        kind="free",
        value=1,
        skus=[A, B, C],
        set_qty=2,
        mixed=True,
        promotion_id=mixed,
    )
    _at(central, MADE + timedelta(days=1))
    p = pusher(central, STORE)
    before = MADE + timedelta(hours=1)
    p.applied("sale.completed", _sale(1, before, _lines(pct, mixed)), version=V4)  # the terms of then: nothing
    after = [(A, 2, 3_500, 1_400, pct), (B, 1, 4_500, 0, None), (A, 1, 3_500, 3_500, mixed)]
    p.applied("sale.completed", _sale(2, MADE + timedelta(hours=3), after), version=V4)  # the new terms, after
    assert promotion_tasks(central) == []

    p.applied("sale.completed", _sale(3, before, after), version=V4)  # the new terms, an hour before they were made
    tasks = promotion_tasks(central)
    assert sorted((t["line"], t["why"], t["claimed"], t["most"], t["since"]) for t in tasks) == [
        (1, "terms_not_yet", 1_400, 700, "2026-12-01T05:00:00"),
        (3, "terms_not_yet", 3_500, 0, "2026-12-01T05:00:00"),
    ]
    page = signed_in_admin(central, "en").get("/admin/").get_data(as_text=True)
    assert (
        f"Sale {STORE}-T1-000003 line 1 (Produk {A}): Rp 1.400 off under promotion Hemat Aqua at 01/12/2026 11:00 WIB, "
        "when it gave at most Rp 700 (changed only at 01/12/2026 12:00 WIB, after the sale)."
    ) in page


def test_a_store_known_to_run_slow_is_allowed_its_delay_and_a_repush_raises_once(central):  # noqa: F811
    pct, mixed = _promotions(central)
    _at(central, MADE + timedelta(days=1))
    slow, other = pusher(central, STORE), pusher(central, "TOKO-02")
    with central.ctx.db.unit_of_work() as s:  # its last report: its clock 2 hours behind central's
        s.execute(update(Store).where(Store.id == STORE).values(clock_skew_seconds=-7_200.0))
    stamped = MADE - timedelta(minutes=110)
    slow.applied("sale.completed", _sale(1, stamped, _lines(pct, mixed)), version=V4)
    assert promotion_tasks(central) == []
    event = other.event("sale.completed", _sale(1, stamped, _lines(pct, mixed), "TOKO-02"), version=V4)
    assert [r["outcome"] for r in other.send([event])] == ["applied"]
    again = other.send([event])[0]
    assert again.get("first_outcome", again["outcome"]) == "applied"
    assert sorted((t["location"], t["line"]) for t in promotion_tasks(central)) == [("TOKO-02", 1), ("TOKO-02", 4)]


def test_a_sale_without_a_readable_time_is_judged_at_the_time_central_records_it(central):  # noqa: F811
    pct, mixed = _promotions(central)
    _at(central, MADE + timedelta(hours=4))
    p = pusher(central, STORE)
    for n, at in enumerate(("kemarin sore", None, "2026-12-01T09:00:00+07:00"), start=1):  # 09:00 WIB: before
        p.applied("sale.completed", _sale(n, at, [(A, 2, 3_500, 700, pct)]), version=V4)
    [task] = promotion_tasks(central)
    assert (task["number"], task["completed_at"]) == (f"{STORE}-T1-000003", "2026-12-01T02:00:00")
    assert mixed


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_stores_pushing_sales_made_before_their_promotion_at_once_raise_each_task_once(central):  # noqa: F811
    pct, mixed = _promotions(central)
    _at(central, MADE + timedelta(days=1))
    early = MADE - timedelta(hours=1)
    stores = pushed_at_once(central, lambda store_id, n: _sale(n, early, _lines(pct, mixed), store_id))
    tasks = promotion_tasks(central, KIND)
    assert central.count(Sale) == 12 and central.count(DeadLetter) == 0
    assert sorted((t["location"], t["number"], t["line"], t["why"]) for t in tasks) == sorted(
        (p.store_id, f"{p.store_id}-T1-{n:06d}", line, "not_yet") for p in stores for n in (1, 2) for line in (1, 4)
    )
