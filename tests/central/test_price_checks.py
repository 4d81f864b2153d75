"""A store's token proves who sends, not what is true: central owns the price list, so a sale line's unit price is
checked against every price central ever set for the SKU. The sale is a fact and is always recorded; a price
central never set raises one reconciliation task for head office, in its words, and a percent promotion is judged
on a price central knows (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from checkkit import pusher
from promokit import V4, claim_tasks, promoted_sale, promotion_tasks, pushed_at_once, tasks_in_csv
from sqlalchemy import create_engine, text
from synckit import STORE, central, central_config, pg_url, signed_in_admin  # noqa: F401
from test_money_migrations import old_central_url  # noqa: F401

from central.db import central_database
from central.migrate import upgrade as central_upgrade
from central.services import catalog
from central.services.context import CentralContext
from central.services.price_checks import KIND, known_prices
from central.tables import DeadLetter, Sale
from common.measure import line_gross
from common.pricing import taxes_by_group

AQUA = "SKU-00001"  # Rp 3.500 in the demo catalog
OTHER = "SKU-00002"  # Rp 4.500
RICE = "SKU-T-W01"  # a weighed product made here: Rp 14.000/kg


def price_tasks(central: Any) -> list[dict[str, Any]]:  # noqa: F811
    return claim_tasks(central, KIND)


def _sale(store: str, n: int, lines: list[tuple[str, int, int, int, str | None]], measures: dict[str, str]) -> dict:
    """promoted_sale with the lines of `measures`' SKUs counted by that measure (grams at a price per kg)."""
    sale = promoted_sale(store, n, lines)
    for l in sale["lines"]:
        l["measure"] = measures.get(l["sku"], "unit")
        l["net"] = line_gross(l["unit_price"], l["qty"], l["measure"]) - l["line_discount"]
    total = sum(l["net"] for l in sale["lines"])
    [tax] = taxes_by_group([("PPN", 1100, total)])
    sale["subtotal"] = sum(line_gross(l["unit_price"], l["qty"], l["measure"]) for l in sale["lines"])
    sale |= {"total": total, "paid": total, "tax": tax.tax}
    sale["taxes"] = [{"group": tax.group, "rate_bp": tax.rate_bp, "gross": tax.gross, "tax": tax.tax}]
    sale["tenders"][0]["amount"] = total
    return sale


def _weighed(central: Any, sku: str = RICE, measure: str = "weight", plu: str = "901") -> None:  # noqa: F811
    catalog.save_product(central.ctx, sku, name="Beras curah", price=14_000, create=True, measure=measure, plu=plu)


def test_lines_at_central_prices_weighed_and_label_lines_included_are_recorded_and_raise_nothing(central):  # noqa: F811
    _weighed(central)
    _weighed(central, "SKU-T-L01", "label", "902")  # the scale label carries its price: any is the shopper's
    p = pusher(central, STORE)
    lines = [(AQUA, 3, 3_500, 0, None), (OTHER, 1, 4_500, 0, None), (RICE, 1_250, 14_000, 0, None)]
    lines.append(("SKU-T-L01", 1, 27_350, 0, None))
    p.applied("sale.completed", _sale(STORE, 1, lines, {RICE: "weight", "SKU-T-L01": "label"}), version=V4)
    assert central.count(Sale) == 1 and price_tasks(central) == []


def test_a_store_offline_through_price_changes_sells_at_any_price_central_set_and_raises_nothing(central):  # noqa: F811
    _weighed(central)
    catalog.set_price(central.ctx, AQUA, 3_800)  # the store was offline: it still sells at Rp 3.500
    catalog.set_price(central.ctx, AQUA, 3_900)
    catalog.set_price(central.ctx, RICE, 15_000)
    p = pusher(central, STORE)
    old = [(AQUA, 1, 3_500, 0, None), (AQUA, 1, 3_800, 0, None), (RICE, 500, 14_000, 0, None)]
    p.applied("sale.completed", _sale(STORE, 1, old, {RICE: "weight"}), version=V4)
    now = [(AQUA, 2, 3_900, 0, None), (RICE, 500, 15_000, 0, None)]
    p.applied("sale.completed", _sale(STORE, 2, now, {RICE: "weight"}), version=V4)
    p.applied("sale.completed", promoted_sale(STORE, 3, [(AQUA, 1, 3_500, 0, None)]), version=1)  # older versions
    assert central.count(Sale) == 3 and price_tasks(central) == []


def test_forged_prices_are_recorded_and_raise_one_task_per_line_in_head_offices_words(central):  # noqa: F811
    _weighed(central)
    catalog.set_price(central.ctx, AQUA, 3_800)
    p = pusher(central, STORE)
    lines = [(AQUA, 2, 500, 0, None), (OTHER, 1, 4_500, 0, None), (RICE, 1_250, 1_400, 0, None)]
    result = p.push("sale.completed", _sale(STORE, 1, lines, {RICE: "weight"}), version=V4)
    assert result["outcome"] == "applied", "money was taken: the sale is a fact and is recorded"
    assert central.count(Sale) == 1 and central.count(DeadLetter) == 0
    aqua, rice = price_tasks(central)
    assert (aqua["location"], aqua["number"], aqua["line"], aqua["sku"]) == (STORE, f"{STORE}-T1-000001", 1, AQUA)
    assert (aqua["why"], aqua["unit_price"], aqua["price_now"]) == ("unknown_price", 500, 3_800)
    assert (rice["line"], rice["unit_price"], rice["price_now"], rice["measure"]) == (3, 1_400, 14_000, "weight")
    assert "Rp 500, a price central never set for SKU-00001 (now Rp 3.800)" in aqua["message"]

    indonesian = signed_in_admin(central, "id").get("/admin/").get_data(as_text=True)
    assert "Harga yang tidak pernah ditetapkan pusat" in indonesian
    assert (
        f"Struk {STORE}-T1-000001 baris 3 (Produk {RICE}): dijual Rp 1.400/kg, padahal kantor pusat tidak pernah "
        "menetapkan harga itu untuk produk ini (sekarang Rp 14.000/kg)." in indonesian
    )
    assert "Price head office never set" in signed_in_admin(central, "en").get("/admin/").get_data(as_text=True)
    said = tasks_in_csv(central, "Price head office never set")
    assert said == [
        f"Sale {STORE}-T1-000001 line 1 (Produk {AQUA}): sold at Rp 500, a price head office never set for this "
        "product (now Rp 3.800). Check the sale with the store.",
        f"Sale {STORE}-T1-000001 line 3 (Produk {RICE}): sold at Rp 1.400/kg, a price head office never set for this "
        "product (now Rp 14.000/kg). Check the sale with the store.",
    ]


def test_a_forged_high_price_gives_a_percent_promotion_no_bigger_discount(central):  # noqa: F811
    pct = catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=1000, skus=[AQUA])["id"]
    p = pusher(central, STORE)
    # 10% of a forged Rp 35.000 "original" price: Rp 3.500 off one Aqua central sells at Rp 3.500
    p.applied("sale.completed", promoted_sale(STORE, 1, [(AQUA, 1, 35_000, 3_500, pct)]), version=V4)
    [price] = price_tasks(central)
    [promo] = promotion_tasks(central)
    assert (price["unit_price"], price["price_now"]) == (35_000, 3_500)
    assert (promo["why"], promo["claimed"], promo["most"]) == ("over", 3_500, 350), "judged on central's Rp 3.500"


def test_a_sale_pushed_again_raises_its_task_once(central):  # noqa: F811
    p = pusher(central, STORE)
    event = p.event("sale.completed", promoted_sale(STORE, 1, [(AQUA, 3, 100, 0, None)]), version=V4)
    first, again = p.send([event])[0], p.send([event])[0]  # the agent's retry after a lost answer
    assert first["outcome"] == again.get("first_outcome", again["outcome"]) == "applied"
    assert [(t["line"], t["unit_price"]) for t in price_tasks(central)] == [(1, 100)]


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_stores_pushing_forged_prices_at_once_raise_each_task_once(central):  # noqa: F811
    lines = [(AQUA, 2, 350, 0, None), (OTHER, 1, 4_500, 0, None), (OTHER, 1, 1, 0, None)]
    stores = pushed_at_once(central, lambda store_id, n: promoted_sale(store_id, n, lines))
    assert central.count(Sale) == 12 and central.count(DeadLetter) == 0
    assert [(t["location"], t["number"], t["line"]) for t in price_tasks(central)] == sorted(
        (p.store_id, f"{p.store_id}-T1-{n:06d}", line) for p in stores for n in (1, 2) for line in (1, 3)
    ), "one task per forged line, whichever request applied the sale"


def test_the_upgrade_to_0020_keeps_each_products_price_as_it_stood(old_central_url):  # noqa: F811
    url = old_central_url
    central_upgrade(url, "0019_first_v4_sale_seq")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO tax_groups (code, name, rate_bp) VALUES ('PPN', 'PPN', 1100)"))
        conn.execute(
            text(
                "INSERT INTO products (id, sku, name, price, tax_group, unit, active, measure, updated_at) "
                "VALUES ('x1', :sku, 'Aqua', 3500, 'PPN', 'pcs', true, 'unit', :at)"
            ),
            {"sku": AQUA, "at": datetime(2026, 12, 1)},
        )
    engine.dispose()
    central_upgrade(url, "heads")
    ctx = CentralContext(db=central_database(url), config=central_config(url))
    try:
        catalog.set_price(ctx, AQUA, 3_800)  # a store offline since sells at either
        with ctx.db.sessions() as s:
            assert known_prices(s, {AQUA})[AQUA] == (3_800, frozenset({3_500, 3_800}))
    finally:
        ctx.db.dispose()
