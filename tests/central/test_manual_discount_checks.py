"""A store's token proves who sends, not what is true: the cashier's own discounts on a sale (line discounts that name
no promotion, and the whole-sale discount) are checked against the chain's limit, and a version 5 sale names the
manager who approved more. The sale is a fact and is always recorded; beyond the limit without an approver, each
cashier's discount raises one reconciliation task for head office, in its words (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from checkkit import pusher
from promokit import V4, claim_tasks, promoted_sale, pushed_at_once, tasks_in_csv
from synckit import STORE, central, pg_url, signed_in_admin  # noqa: F401

from central.services import catalog
from central.services.manual_discount_checks import KIND
from central.tables import DeadLetter, Sale
from common.pricing import taxes_by_group

V5 = 5
AQUA = "SKU-00001"  # Rp 3.500
OTHER = "SKU-00002"  # Rp 4.500


def discount_tasks(central: Any) -> list[dict[str, Any]]:  # noqa: F811
    return claim_tasks(central, KIND)


def _sale(
    store: str, n: int, lines: list[tuple[str, int, int, int, str | None]], off: int = 0, by: str | None = None
) -> dict[str, Any]:
    """promoted_sale with a whole-sale discount of `off` (on its first line) and the approving manager `by`."""
    sale = promoted_sale(store, n, lines)
    first = sale["lines"][0]
    first["sale_discount"], first["net"] = off, first["net"] - off
    total = sum(l["net"] for l in sale["lines"])
    [tax] = taxes_by_group([("PPN", 1100, total)])
    sale |= {"total": total, "paid": total, "tax": tax.tax, "discount": sale["discount"] + off}
    sale["taxes"] = [{"group": tax.group, "rate_bp": tax.rate_bp, "gross": tax.gross, "tax": tax.tax}]
    sale["tenders"][0]["amount"] = total
    return sale | ({"discount_approved_by": by} if by else {})


def test_discounts_within_the_limit_or_approved_and_promotions_are_recorded_and_raise_nothing(central):  # noqa: F811
    pct = catalog.save_promotion(central.ctx, name="Separuh", kind="percent", value=5000, skus=[OTHER])["id"]
    p = pusher(central, STORE)
    p.applied("sale.completed", _sale(STORE, 1, [(AQUA, 2, 3_500, 700, None)]), version=V5)  # 10%: the limit
    within = [(AQUA, 2, 3_500, 300, None), (OTHER, 2, 4_500, 4_500, pct)]  # a 50% promotion is not the cashier's
    p.applied("sale.completed", _sale(STORE, 2, within, off=400), version=V5)  # Rp 700 of Rp 7.000
    approved = [(AQUA, 2, 3_500, 3_500, None)]
    p.applied("sale.completed", _sale(STORE, 3, approved, off=1_000, by="mgr-ayu"), version=V5)
    assert central.count(Sale) == 3 and discount_tasks(central) == []


def test_a_store_not_yet_on_version_5_is_not_flagged_its_events_cannot_name_an_approval(central):  # noqa: F811
    p = pusher(central, STORE)
    p.applied("sale.completed", _sale(STORE, 1, [(AQUA, 2, 3_500, 3_500, None)]), version=V4)
    p.applied("sale.completed", _sale(STORE, 2, [(AQUA, 2, 3_500, 0, None)], off=3_500), version=3)
    assert central.count(Sale) == 2 and discount_tasks(central) == []


def test_forged_discounts_beyond_the_limit_raise_one_task_per_discount_in_head_offices_words(central):  # noqa: F811
    p = pusher(central, STORE)
    lines = [(AQUA, 2, 3_500, 2_100, None), (OTHER, 1, 4_500, 0, None), (OTHER, 2, 4_500, 900, None)]
    result = p.push("sale.completed", _sale(STORE, 1, lines, off=500), version=V5)
    assert result["outcome"] == "applied", "money was taken: the sale is a fact and is recorded"
    assert central.count(Sale) == 1 and central.count(DeadLetter) == 0
    whole, aqua, other = discount_tasks(central)
    assert [(t["line"], t["sku"], t["claimed"]) for t in (whole, aqua, other)] == [
        (0, None, 500),
        (1, AQUA, 2_100),
        (3, OTHER, 900),
    ]
    assert (aqua["why"], aqua["manual"], aqua["base"], aqua["share_bp"], aqua["limit_bp"]) == (
        "over_limit",
        3_500,
        20_500,
        1_708,
        1_000,
    )
    assert "Rp 3.500, 17,08% of Rp 20.500, over the chain's limit of 10%" in aqua["message"]

    indonesian = signed_in_admin(central, "id").get("/admin/").get_data(as_text=True)
    assert "Diskon kasir melebihi batas" in indonesian
    assert (
        f"Struk {STORE}-T1-000001 baris 1 (Produk {AQUA}): diskon kasir Rp 2.100. Diskon kasir di struk ini Rp 3.500, "
        "17,08% dari Rp 20.500, melebihi batas jaringan 10%, tanpa persetujuan manajer." in indonesian
    )
    said = tasks_in_csv(central, "Cashier's discount beyond the limit")
    tail = (
        " The cashier's discounts on this sale come to Rp 3.500, 17,08% of Rp 20.500, over the chain's limit of 10%, "
        "and no manager approved them. Check the sale with the store."
    )
    assert said == [
        f"Sale {STORE}-T1-000001 line 1 (Produk {AQUA}): a cashier's discount of Rp 2.100." + tail,
        f"Sale {STORE}-T1-000001 line 3 (Produk {OTHER}): a cashier's discount of Rp 900." + tail,
        f"Sale {STORE}-T1-000001: a whole-sale discount of Rp 500." + tail,
    ]


def test_the_limit_is_the_chains_own_setting(central):  # noqa: F811
    central.ctx.config.discounts.cashier_limit_percent = 20
    p = pusher(central, STORE)
    p.applied("sale.completed", _sale(STORE, 1, [(AQUA, 2, 3_500, 1_400, None)]), version=V5)  # 20%
    p.applied("sale.completed", _sale(STORE, 2, [(AQUA, 2, 3_500, 1_401, None)]), version=V5)
    assert [(t["number"], t["share_bp"], t["limit_bp"]) for t in discount_tasks(central)] == [
        (f"{STORE}-T1-000002", 2_002, 2_000)
    ]


def test_an_older_version_sale_after_the_stores_first_version_5_is_flagged_as_unchecked(central):  # noqa: F811
    p = pusher(central, STORE)
    forged = [(AQUA, 2, 3_500, 3_500, None)]
    before = p.event("sale.completed", _sale(STORE, 1, forged), version=V4)  # made before the upgrade: not flagged
    first = p.event("sale.completed", _sale(STORE, 2, [(AQUA, 1, 3_500, 0, None)]), version=V5)
    p.send([before, first])
    p.applied("sale.completed", _sale(STORE, 3, forged), version=V4)  # after it: its approval cannot be checked
    [task] = discount_tasks(central)
    assert (task["number"], task["line"], task["why"], task["version"]) == (f"{STORE}-T1-000003", 1, "old_version", 4)
    page = signed_in_admin(central, "en").get("/admin/").get_data(as_text=True)
    assert "sent in an older format after this store had moved to the new one, so a manager&#39;s approval" in page


def test_a_sale_pushed_again_raises_its_tasks_once(central):  # noqa: F811
    p = pusher(central, STORE)
    event = p.event("sale.completed", _sale(STORE, 1, [(AQUA, 2, 3_500, 3_000, None)], off=100), version=V5)
    first, again = p.send([event])[0], p.send([event])[0]  # the agent's retry after a lost answer
    assert first["outcome"] == again.get("first_outcome", again["outcome"]) == "applied"
    assert [t["line"] for t in discount_tasks(central)] == [0, 1]


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_stores_pushing_forged_discounts_at_once_raise_each_task_once(central):  # noqa: F811
    lines = [(AQUA, 2, 3_500, 3_500, None), (OTHER, 1, 4_500, 0, None), (OTHER, 1, 4_500, 4_500, None)]
    stores = pushed_at_once(central, lambda store_id, n: _sale(store_id, n, lines), version=V5)
    assert central.count(Sale) == 12 and central.count(DeadLetter) == 0
    assert [(t["location"], t["number"], t["line"]) for t in discount_tasks(central)] == sorted(
        (p.store_id, f"{p.store_id}-T1-{n:06d}", line) for p in stores for n in (1, 2) for line in (1, 3)
    ), "one task per forged discount, whichever request applied the sale"
