"""A mixed multi-buy ("Beli 2 Gratis 1, boleh campur") gives a sale's lines together, and central judges them
together: an honest till's cheapest-free or spread discounts raise nothing; a discount beyond what the rule gives
the sale's items raises the promotion task on the line that claims more than its share (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from checkkit import pusher
from promokit import V4, promoted_sale, promotion_tasks, pushed_at_once
from synckit import STORE, central, pg_url  # noqa: F401

from central.services import catalog
from central.tables import DeadLetter, Sale

A, B, C = "SKU-00001", "SKU-00002", "SKU-00003"


def _mixed(central, kind: str = "free", value: int = 1, size: int = 3) -> str:  # noqa: F811
    saved = catalog.save_promotion(
        central.ctx, name="Campur hemat", kind=kind, value=value, skus=[A, B, C], set_qty=size, mixed=True
    )
    return str(saved["id"])


def test_the_cheapest_of_three_different_products_free_raises_nothing(central):  # noqa: F811
    pid = _mixed(central)
    p = pusher(central, STORE)
    lines = [(C, 1, 7_000, 0, None), (B, 1, 4_500, 0, None), (A, 1, 3_500, 3_500, pid)]
    p.applied("sale.completed", promoted_sale(STORE, 1, lines), version=V4)
    # 7.000, 7.000, 4.500 | 3.500, 3.500, 3.500 | 3.500 left over: Rp 4.500 and Rp 3.500 free
    lines = [(C, 2, 7_000, 0, None), (B, 1, 4_500, 4_500, pid), (A, 4, 3_500, 3_500, pid)]
    p.applied("sale.completed", promoted_sale(STORE, 2, lines), version=V4)
    assert central.count(Sale) == 2 and promotion_tasks(central) == []


def test_a_bundle_spread_over_its_lines_raises_nothing(central):  # noqa: F811
    pid = _mixed(central, "bundle", 12_000, 3)  # 7.000 + 4.500 + 3.500 = 15.000 for Rp 12.000
    lines = [(C, 1, 7_000, 1_400, pid), (B, 1, 4_500, 900, pid), (A, 1, 3_500, 700, pid)]
    pusher(central, STORE).applied("sale.completed", promoted_sale(STORE, 1, lines), version=V4)
    assert promotion_tasks(central) == []


def test_a_free_item_without_a_set_to_earn_it_raises_a_task(central):  # noqa: F811
    pid = _mixed(central)
    lines = [(B, 1, 4_500, 0, None), (A, 1, 3_500, 3_500, pid)]  # two items, no set
    pusher(central, STORE).applied("sale.completed", promoted_sale(STORE, 1, lines), version=V4)
    [task] = promotion_tasks(central)
    assert (task["line"], task["sku"], task["why"], task["claimed"], task["most"]) == (2, A, "over", 3_500, 0)


def test_the_dearer_item_taken_free_too_raises_a_task_on_that_line_only(central):  # noqa: F811
    pid = _mixed(central)
    lines = [(C, 1, 7_000, 0, None), (B, 1, 4_500, 4_500, pid), (A, 1, 3_500, 3_500, pid)]
    pusher(central, STORE).applied("sale.completed", promoted_sale(STORE, 1, lines), version=V4)
    [task] = promotion_tasks(central)
    assert (task["line"], task["sku"], task["claimed"], task["most"]) == (2, B, 4_500, 0)
    assert "Rp 4.500" in task["message"]


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_stores_pushing_forged_mixed_discounts_at_once_raise_one_task_per_line(central):  # noqa: F811
    pid = _mixed(central)
    lines = [(C, 1, 7_000, 0, None), (B, 1, 4_500, 4_500, pid), (A, 1, 3_500, 3_500, pid), (A, 1, 3_500, 3_500, pid)]
    stores = pushed_at_once(central, lambda store_id, n: promoted_sale(store_id, n, lines))
    tasks = promotion_tasks(central)
    assert central.count(Sale) == 12 and central.count(DeadLetter) == 0
    assert sorted((t["location"], t["number"], t["line"]) for t in tasks) == sorted(
        (p.store_id, f"{p.store_id}-T1-{n:06d}", line) for p in stores for n in (1, 2) for line in (2, 4)
    ), "one task per line beyond its share (line 3 is the free one), whichever request applied the sale"
