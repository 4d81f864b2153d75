"""Shelf labels: a price central changes reaches the store through the feed and its shelf label is listed to be
replaced, with the price the label shows and the price now; the labels print at today's price (a promotion's
too); marking them put up is done once, even by two managers at once; bad choices are refused in words."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from common.errors import DomainError
from pos.adapters.tables import AuditEntry, Product, Promotion, SyncStatus
from pos.services import shelf_labels
from pos.services.auth import Actor
from pos.services.context import StoreContext
from sync_agent.apply import apply_page

AQUA_330, AQUA_330_BARCODE = "SKU-00001", "8990000100010"  # Rp 3.500 in the demo catalog
AQUA_600 = "SKU-00002"  # Rp 4.500


FEED_FIELDS = ("sku", "barcode", "name", "category", "price", "tax_group", "unit", "active", "measure")


def product(store: StoreContext, sku: str) -> dict[str, Any]:
    """The product as central's feed sends it (the fields the store keeps)."""
    with store.db.sessions() as s:
        p = s.scalars(select(Product).where(Product.sku == sku)).one()
        return {field: getattr(p, field) for field in FEED_FIELDS}


def feed(store: StoreContext, *changes: dict[str, Any], at: datetime | None = None) -> None:
    """Central's new product rows, applied as the sync agent applies a pulled page."""
    page = {
        "changes": [{"topic": "product", "key": c["sku"], "seq": i + 1, "data": c} for i, c in enumerate(changes)],
        "cursor": 1,
        "epoch": "e1",
        "store_seq": 0,
    }
    apply_page(store.db, page, at or datetime.now(UTC).replace(tzinfo=None))


def new_price(store: StoreContext, sku: str, price: int, at: datetime | None = None) -> None:
    feed(store, {**product(store, sku), "price": price}, at=at)


def test_a_new_price_from_central_lists_its_label_until_it_is_marked_put_up(
    store: StoreContext, manager: Actor
) -> None:
    assert shelf_labels.pending(store) == []
    earlier = datetime(2026, 12, 5, 1, 0)
    new_price(store, AQUA_330, 4_000, at=earlier)
    new_price(store, AQUA_330, 3_800, at=earlier + timedelta(hours=1))  # changed again before the label was put up
    feed(store, product(store, AQUA_600))  # the same price again: nothing to relabel
    [row] = shelf_labels.pending(store)
    assert (row["sku"], row["was"], row["price"], row["up"], row["changes"]) == (AQUA_330, 3_500, 3_800, True, 2)
    assert row["changed_at"] == earlier + timedelta(hours=1) and row["barcode"] == AQUA_330_BARCODE

    assert shelf_labels.mark_labelled(store, manager, [AQUA_330]) == 1
    assert shelf_labels.pending(store) == []
    assert shelf_labels.mark_labelled(store, manager, [AQUA_330]) == 0  # already up: nothing more
    with store.db.sessions() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.action == "labels_put_up")).all()
    assert entry.approved_by == manager.staff_id

    new_price(store, AQUA_330, 3_000)  # a cut after the new label: listed again, from the label's 3.800
    [row] = shelf_labels.pending(store)
    assert (row["was"], row["price"], row["up"]) == (3_800, 3_000, False)


def test_a_new_product_needs_a_label_once_the_store_has_its_catalog_not_while_a_snapshot_loads(
    store: StoreContext,
) -> None:
    kopi = {
        **product(store, AQUA_330),
        "sku": "SKU-NEW-1",
        "barcode": "8991234500011",
        "name": "Kopi Baru",
        "price": 9_000,
    }
    feed(store, kopi)  # the cursor is still 0: a new store's snapshot loading the whole catalog
    assert shelf_labels.pending(store) == []
    with store.db.unit_of_work() as s:
        s.execute(update(SyncStatus).values(cursor=40))
    feed(store, {**kopi, "sku": "SKU-NEW-2", "barcode": "8991234500028", "name": "Teh Baru", "price": 7_000})
    [row] = shelf_labels.pending(store)
    assert (row["sku"], row["was"], row["price"], row["up"]) == ("SKU-NEW-2", None, 7_000, False)


def test_a_price_that_comes_back_to_the_labels_needs_no_new_label(store: StoreContext) -> None:
    new_price(store, AQUA_330, 4_000)
    new_price(store, AQUA_330, 3_500)
    assert shelf_labels.pending(store) == []


def test_a_product_taken_off_sale_is_not_listed(store: StoreContext) -> None:
    new_price(store, AQUA_330, 4_000)
    feed(store, {**product(store, AQUA_330), "active": False})
    assert shelf_labels.pending(store) == []


def test_labels_print_at_the_price_the_till_rings_up_today_in_the_order_asked(store: StoreContext) -> None:
    with store.db.unit_of_work() as s:
        s.add(
            Promotion(id="promo-1", name="Hemat Aqua", kind="percent", value=1000, skus=f'["{AQUA_600}"]', active=True)
        )
    shown = shelf_labels.labels(store, [AQUA_600, AQUA_330_BARCODE, AQUA_600])  # by SKU or barcode, once each
    assert [(l["sku"], l["price"], l["promo_price"], l["promo"]) for l in shown] == [
        (AQUA_600, 4_500, 4_050, "Hemat Aqua"),
        (AQUA_330, 3_500, None, None),
    ]


@pytest.mark.parametrize(
    ("codes", "code"),
    [
        ([], "no_labels"),
        (["  "], "no_labels"),
        (["NOPE-1"], "label_unknown_product"),
        ([f"SKU-{i:05d}" for i in range(shelf_labels.MAX_LABELS + 1)], "too_many_labels"),
    ],
)
def test_bad_choices_are_refused(store: StoreContext, manager: Actor, codes: list[str], code: str) -> None:
    with pytest.raises(DomainError) as err:
        shelf_labels.labels(store, codes)
    assert err.value.code == code
    if code != "label_unknown_product":
        with pytest.raises(DomainError):
            shelf_labels.mark_labelled(store, manager, codes)


def test_two_managers_marking_the_same_labels_at_once_mark_them_once(store: StoreContext, manager: Actor) -> None:
    new_price(store, AQUA_330, 4_000)
    new_price(store, AQUA_600, 5_000)
    start, marked = threading.Barrier(2), []

    def mark() -> None:
        start.wait()
        marked.append(shelf_labels.mark_labelled(store, manager, [AQUA_330, AQUA_600]))

    threads = [threading.Thread(target=mark) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(marked) == [0, 2]
    with store.db.sessions() as s:
        assert len(s.scalars(select(AuditEntry).where(AuditEntry.action == "labels_put_up")).all()) == 1
