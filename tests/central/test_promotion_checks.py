"""A store's token proves who sends, not what is true: a sale line that names a promotion (sale.completed version 4)
is checked against what central offered. The sale is a fact and is always recorded; a discount beyond its promotion,
an unknown promotion or one that does not list the product raises one reconciliation task for head office, in its
words (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import pytest
from checkkit import holdings, pusher
from promokit import V4, promoted_sale, promotion_tasks, pushed_at_once
from synckit import STORE, central, pg_url, signed_in_admin  # noqa: F401

from central.services import admin_catalog, catalog
from central.tables import DeadLetter, Sale

AQUA = "SKU-00001"
OTHER = "SKU-00002"


def _percent(central, bp: int = 1000, skus: tuple[str, ...] = (AQUA,)) -> str:  # noqa: F811
    return str(catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=bp, skus=list(skus))["id"])


def test_lines_within_their_percent_and_multi_buy_promotions_are_recorded_and_raise_nothing(central):  # noqa: F811
    pct = _percent(central)
    free = catalog.save_promotion(central.ctx, name="Beli 2 Gratis 1", kind="free", value=1, skus=[OTHER], set_qty=3)
    bundle = catalog.save_promotion(central.ctx, name="Berdua", kind="bundle", value=6_000, skus=[AQUA], set_qty=2)
    p = pusher(central, STORE)
    lines = [(AQUA, 3, 3_500, 1_050, pct), (OTHER, 7, 3_500, 7_000, free["id"]), (AQUA, 3, 3_500, 1_000, bundle["id"])]
    p.applied("sale.completed", promoted_sale(STORE, 1, lines), version=V4)
    p.applied("sale.completed", promoted_sale(STORE, 2, [(AQUA, 1, 3_500, 100, pct)]), version=V4)  # less is fine
    assert central.count(Sale) == 2 and promotion_tasks(central) == []


def test_a_forged_discount_ten_times_the_promotions_is_recorded_and_raises_one_task(central):  # noqa: F811
    pct = _percent(central)  # 10%: Rp 700 off two at Rp 3.500
    p = pusher(central, STORE)
    before = holdings(central)
    sale = promoted_sale(STORE, 1, [(OTHER, 1, 3_500, 0, None), (AQUA, 2, 3_500, 7_000, pct)])
    result = p.push("sale.completed", sale, version=V4)
    assert result["outcome"] == "applied", "money was taken: the sale is a fact and is recorded"
    assert holdings(central)["sales"] == before["sales"] + 1 and central.count(DeadLetter) == 0
    [task] = promotion_tasks(central)
    assert (task["location"], task["number"], task["line"], task["sku"]) == (STORE, f"{STORE}-T1-000001", 2, AQUA)
    assert (task["why"], task["claimed"], task["most"], task["promotion_id"]) == ("over", 7_000, 700, pct)
    assert "Rp 7.000" in task["message"] and "Rp 700" in task["message"]

    indonesian = signed_in_admin(central, "id").get("/admin/").get_data(as_text=True)
    said = f"Struk {STORE}-T1-000001 baris 2 (Produk {AQUA}): diskon Rp 7.000 dengan promo Hemat Aqua, padahal"
    assert (
        "Diskon melebihi promonya" in indonesian and said in indonesian and "paling banyak memberi Rp 700" in indonesian
    )
    english = signed_in_admin(central, "en")
    page = english.get("/admin/").get_data(as_text=True)
    assert "Discount beyond its promotion" in page and "A discount beyond its promotion is listed only here" in page
    sheet = list(
        csv.DictReader(io.StringIO(english.get("/admin/reconciliation.csv").get_data(as_text=True).lstrip("\ufeff")))
    )
    [row] = [r for r in sheet if r["Kind"] == "Discount beyond its promotion"]
    assert row["What happened"] == (
        f"Sale {STORE}-T1-000001 line 2 (Produk {AQUA}): Rp 7.000 off under promotion Hemat Aqua, "
        "which gives at most Rp 700. Check the sale with the store."
    )


def test_an_unknown_promotion_and_one_that_does_not_list_the_product_each_raise_a_task(central):  # noqa: F811
    pct = _percent(central)  # on AQUA only
    p = pusher(central, STORE)
    lines = [(AQUA, 1, 3_500, 350, "no-such-promotion"), (OTHER, 1, 3_500, 350, pct)]
    assert p.push("sale.completed", promoted_sale(STORE, 1, lines), version=V4)["outcome"] == "applied"
    tasks = {t["why"]: t for t in promotion_tasks(central)}
    assert set(tasks) == {"unknown", "not_listed"}
    assert (tasks["unknown"]["line"], tasks["unknown"]["claimed"], tasks["unknown"]["most"]) == (1, 350, 0)
    assert (tasks["not_listed"]["line"], tasks["not_listed"]["sku"], tasks["not_listed"]["most"]) == (2, OTHER, 0)
    page = signed_in_admin(central, "en").get("/admin/").get_data(as_text=True)
    assert "a promotion head office does not have (code no-such-promotion)" in page
    assert "which does not include this product" in page


def test_an_ended_or_edited_promotion_is_read_in_its_most_generous_terms_and_its_dates_are_not_checked(
    central,  # noqa: F811
):
    pct = _percent(central, 2000)  # 20% when the offline store last pulled
    catalog.save_promotion(central.ctx, name="Hemat Aqua", kind="percent", value=1000, skus=[AQUA], promotion_id=pct)
    admin_catalog.end_promotion(central.ctx, pct)  # and since ended
    p = pusher(central, STORE)
    p.applied("sale.completed", promoted_sale(STORE, 1, [(AQUA, 2, 3_500, 1_400, pct)]), version=V4)
    assert promotion_tasks(central) == [], "20% of Rp 7.000 is terms central once offered"
    p.applied("sale.completed", promoted_sale(STORE, 2, [(AQUA, 2, 3_500, 2_100, pct)]), version=V4)
    [task] = promotion_tasks(central)
    assert (task["claimed"], task["most"]) == (2_100, 1_400), "compared with the most generous terms it ever had"


def test_a_sale_of_an_older_version_is_taken_as_before(central):  # noqa: F811
    pct = _percent(central)
    p = pusher(central, STORE)
    v3 = promoted_sale(STORE, 1, [(AQUA, 2, 3_500, 3_500, None)])
    p.applied("sale.completed", v3, version=3)
    assert promotion_tasks(central) == [] and central.count(Sale) == 1
    assert pct


@pytest.mark.parametrize(
    ("field", "value"),
    [("line_discount", -700), ("line_discount", 10**12), ("promotion_id", "x" * 37), ("promotion_id", 7)],
)
def test_a_negative_or_oversized_promoted_line_is_refused_by_the_contract(central, field, value):  # noqa: F811
    pct = _percent(central)
    p = pusher(central, STORE)
    sale = promoted_sale(STORE, 1, [(AQUA, 2, 3_500, 700, pct)])
    sale["lines"][0][field] = value
    result = p.push("sale.completed", sale, version=V4)
    assert (result["outcome"], result["code"]) == ("rejected", "bad_payload"), result
    assert field in result["message"] and central.count(Sale) == 0 and promotion_tasks(central) == []


def test_a_repeated_push_raises_the_task_once(central):  # noqa: F811
    pct = _percent(central)
    p = pusher(central, STORE)
    event = p.event("sale.completed", promoted_sale(STORE, 1, [(AQUA, 3, 3_500, 7_000, pct)]), version=V4)
    assert [r["outcome"] for r in p.send([event])] == ["applied"]
    again = p.send([event])[0]
    assert again.get("first_outcome", again["outcome"]) == "applied"
    assert len(promotion_tasks(central)) == 1


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_stores_pushing_forged_promotion_discounts_at_once_raise_each_task_once(central):  # noqa: F811
    pct = _percent(central)
    lines = [(AQUA, 2, 3_500, 7_000, pct), (OTHER, 1, 3_500, 500, "gone")]
    stores = pushed_at_once(central, lambda store_id, n: promoted_sale(store_id, n, lines))
    tasks = promotion_tasks(central)
    assert central.count(Sale) == 12 and central.count(DeadLetter) == 0
    assert sorted((t["location"], t["number"], t["line"], t["why"]) for t in tasks) == sorted(
        (p.store_id, f"{p.store_id}-T1-{n:06d}", line, why)
        for p in stores
        for n in (1, 2)
        for line, why in ((1, "over"), (2, "unknown"))
    ), "one task per line, whichever request applied the sale"
