"""Stock counts: counted figures become adjustments, and sales rung up during the count are never overwritten."""

from __future__ import annotations

from typing import Any

import pytest
from service_steps import AQUA_330, AQUA_600, outbox, payload, sell
from sqlalchemy import select, text

from common.errors import Conflict, DomainError
from pos.adapters.tables import StockMovement
from pos.services import catalog, stock_count_review, stock_counts
from pos.services.auth import Actor
from pos.services.context import StoreContext
from pos.web.manager.texts import error_text

CHITATO = "8990000100560"  # SKU-00056, snacks


def on_hand(store: StoreContext, sku: str) -> int:
    return catalog.stock_card(store, sku)["on_hand"]


def everything(store: StoreContext, facts: Any) -> dict[str, Any]:
    with store.db.engine.connect() as conn:
        mine = {
            t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))), key=repr)
            for t in ("stock_counts", "stock_count_lines")
        }
    return {**facts(), **mine}


def count_moves(store: StoreContext, count_id: str) -> list[tuple[str, int, str]]:
    with store.db.sessions() as s:
        return sorted(
            (m.sku, m.qty, m.kind) for m in s.scalars(select(StockMovement).where(StockMovement.ref_id == count_id))
        )


def test_a_count_with_a_variance_posts_the_difference_as_a_count_movement(store: StoreContext, manager: Actor) -> None:
    have = on_hand(store, "SKU-00001")
    count = stock_counts.start_count(store, manager, "drinks")
    line = stock_counts.record_count(store, manager, count["id"], AQUA_330, have - 3, "set")
    assert (line["counted"], line["on_hand_at_count"], line["variance"]) == (have - 3, have, -3)
    stock_counts.record_count(store, manager, count["id"], AQUA_600, on_hand(store, "SKU-00002"), "set")

    done = stock_counts.post_count(store, manager, count["id"])

    assert on_hand(store, "SKU-00001") == have - 3
    assert count_moves(store, count["id"]) == [("SKU-00001", -3, "count")]  # a matching line writes no movement
    assert (done["net_variance"], len(done["lines"])) == (-3, 2)
    [event] = outbox(store)
    body = payload(event)
    assert event.type == "stock.counted" and body["number"] == count["number"]
    assert sorted((l["sku"], l["counted"], l["variance"]) for l in body["lines"]) == [
        ("SKU-00001", have - 3, -3),
        ("SKU-00002", on_hand(store, "SKU-00002"), 0),
    ]


def test_sales_during_a_count_are_accounted_for_not_overwritten(
    store: StoreContext, manager: Actor, open_till: Actor
) -> None:
    start = on_hand(store, "SKU-00001")
    count = stock_counts.start_count(store, manager)  # whole store
    sell(store, open_till, [(AQUA_330, 2)])  # sold after the count started, before counting
    shelf = start - 2 - 1  # one bottle is really missing from the shelf
    stock_counts.record_count(store, manager, count["id"], AQUA_330, shelf, "set")
    sell(store, open_till, [(AQUA_330, 4)])  # sold after counting, before posting

    stock_counts.post_count(store, manager, count["id"])

    # The shelf had `shelf`; four were sold since: that is what is left, and the variance was only the missing one.
    assert on_hand(store, "SKU-00001") == shelf - 4
    assert count_moves(store, count["id"]) == [("SKU-00001", -1, "count")]
    with store.db.sessions() as s:
        sales = s.scalars(
            select(StockMovement.qty).where(StockMovement.sku == "SKU-00001", StockMovement.kind == "sale")
        ).all()
    assert sorted(sales) == [-4, -2]


def test_scans_add_one_each_and_a_typed_quantity_replaces_the_figure(store: StoreContext, manager: Actor) -> None:
    count = stock_counts.start_count(store, manager, "drinks")
    for _ in range(3):
        line = stock_counts.record_count(store, manager, count["id"], AQUA_330)
    assert line["counted"] == 3
    assert stock_counts.record_count(store, manager, count["id"], AQUA_330, 2)["counted"] == 5
    assert stock_counts.record_count(store, manager, count["id"], "SKU-00001", 12, "set")["counted"] == 12
    assert stock_counts.record_count(store, manager, count["id"], AQUA_330, 0, "set")["counted"] == 0
    review = stock_count_review.count_review(store, count["id"])
    assert [(r["sku"], r["counted"]) for r in review["rows"]] == [("SKU-00001", 0)]


def test_a_count_posted_twice_is_refused_and_changes_nothing(store: StoreContext, manager: Actor, facts: Any) -> None:
    count = stock_counts.start_count(store, manager)
    stock_counts.record_count(store, manager, count["id"], AQUA_330, 1, "set")
    stock_counts.post_count(store, manager, count["id"])
    before = everything(store, facts)
    with pytest.raises(Conflict) as err:
        stock_counts.post_count(store, manager, count["id"])
    assert err.value.code == "count_posted" and err.value.status == 409
    assert f"count #{count['number']} was already posted by Dewi Lestari; nothing was changed" == err.value.message
    with pytest.raises(Conflict):
        stock_counts.record_count(store, manager, count["id"], AQUA_330)
    with pytest.raises(Conflict):
        stock_counts.cancel_count(store, manager, count["id"])
    assert everything(store, facts) == before


def test_a_cancelled_count_writes_nothing_and_cannot_be_posted(store: StoreContext, manager: Actor, facts: Any) -> None:
    count = stock_counts.start_count(store, manager)
    stock_counts.record_count(store, manager, count["id"], AQUA_330, 1, "set")
    stock_counts.cancel_count(store, manager, count["id"])
    with pytest.raises(Conflict) as err:
        stock_counts.post_count(store, manager, count["id"])
    assert err.value.code == "count_cancelled"
    assert count_moves(store, count["id"]) == [] and outbox(store) == []


def test_a_category_count_refuses_items_of_other_categories(store: StoreContext, manager: Actor, facts: Any) -> None:
    count = stock_counts.start_count(store, manager, "drinks")
    before = everything(store, facts)
    with pytest.raises(DomainError, match="Chitato Sapi Panggang 68g is not in category Drinks") as e:
        stock_counts.record_count(store, manager, count["id"], CHITATO)
    assert everything(store, facts) == before
    # The manager reads the category as the count's page names it, never its code ("drinks").
    assert error_text("id", e.value) == (
        "Chitato Sapi Panggang 68g bukan kategori Minuman; stok opname ini hanya untuk Minuman."
    )
    assert (
        error_text("en", e.value)
        == "Chitato Sapi Panggang 68g is not in category Drinks; this count covers only Drinks."
    )


def test_open_counts_may_not_cover_the_same_products(store: StoreContext, manager: Actor) -> None:
    first = stock_counts.start_count(store, manager, "drinks")
    snacks = stock_counts.start_count(store, manager, "snacks")  # other products: fine
    for category in ("drinks", None):
        with pytest.raises(Conflict) as err:
            stock_counts.start_count(store, manager, category)
        assert err.value.code == "count_open"
    stock_counts.cancel_count(store, manager, first["id"])
    stock_counts.cancel_count(store, manager, snacks["id"])
    assert stock_counts.start_count(store, manager)["number"] == first["number"] + 2


def test_an_empty_count_is_not_posted(store: StoreContext, manager: Actor) -> None:
    count = stock_counts.start_count(store, manager)
    with pytest.raises(DomainError) as err:
        stock_counts.post_count(store, manager, count["id"])
    assert err.value.code == "count_empty"
    assert stock_count_review.count_review(store, count["id"])["state"] == "open"


@pytest.mark.parametrize(("qty", "mode"), [(-1, "set"), (-2, "add"), (0, "add"), (None, "set")])
def test_a_negative_or_missing_counted_quantity_is_refused(
    store: StoreContext, manager: Actor, facts: Any, qty: int | None, mode: str
) -> None:
    count = stock_counts.start_count(store, manager)
    before = everything(store, facts)
    with pytest.raises(DomainError) as err:
        stock_counts.record_count(store, manager, count["id"], AQUA_330, qty, mode)
    assert err.value.code == "bad_quantity"
    assert everything(store, facts) == before


def test_the_review_shows_variances_after_posting_figures_and_what_is_not_counted(
    store: StoreContext, manager: Actor, open_till: Actor
) -> None:
    have = on_hand(store, "SKU-00001")
    count = stock_counts.start_count(store, manager, "drinks")
    stock_counts.record_count(store, manager, count["id"], AQUA_330, have + 2, "set")
    sell(store, open_till, [(AQUA_330, 1)])
    review = stock_count_review.count_review(store, count["id"])
    [row] = review["rows"]
    assert (
        row["counted"],
        row["on_hand_at_count"],
        row["variance"],
        row["on_hand_now"],
        row["after_post"],
        row["value"],
    ) == (have + 2, have, 2, have - 1, have + 1, 7_000)
    assert "SKU-00002" in [m["sku"] for m in review["not_counted"]]
    assert all(m["sku"] != "SKU-00001" for m in review["not_counted"])
    uncounted_before = on_hand(store, "SKU-00002")
    stock_counts.post_count(store, manager, count["id"])
    assert on_hand(store, "SKU-00001") == have + 1
    assert on_hand(store, "SKU-00002") == uncounted_before  # not counted: left as it was
