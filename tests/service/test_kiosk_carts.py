"""A cart built at the kiosk is sent to the tills as a ticket (K-12 + QR) and taken into one till's sale, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from racekit import at_once
from sqlalchemy import select, update

from common.errors import Conflict, DomainError, NotFound
from pos.adapters.tables import KioskCart, Product
from pos.services import auth, kiosk_cart_sales, kiosk_carts, kiosk_catalog, online_carts, shifts, till_sale
from pos.services.auth import Actor
from pos.services.context import StoreContext

AQUA = "SKU-00001"  # Air Mineral Aqua 330ml, Rp 3.500
AQUA_330 = "8990000100010"  # its barcode
AQUA_600 = "SKU-00002"  # Rp 4.500


def _set_price(store: StoreContext, sku: str, price: int) -> None:
    with store.db.unit_of_work() as s:
        s.execute(update(Product).where(Product.sku == sku).values(price=price))


def _ticket(store: StoreContext, code: str) -> KioskCart:
    with store.db.sessions() as s:
        cart = s.scalar(select(KioskCart).where(KioskCart.code == code))
        assert cart is not None
        return cart


@pytest.fixture
def heard(store: StoreContext) -> list[tuple[str, dict[str, Any]]]:
    """Every notification the services send after commit (what Socket.IO would emit)."""
    got: list[tuple[str, dict[str, Any]]] = []
    store.notify = lambda topic, data: got.append((topic, data))
    return got


@pytest.fixture
def second_till(store: StoreContext) -> Actor:
    actor = auth.sign_in(store, "1002", "2345", "T2")[1]
    shifts.open_shift(store, actor, 100_000)
    return actor


def test_a_kiosk_cart_is_priced_now_with_the_same_item_merged(store: StoreContext) -> None:
    cart = kiosk_carts.quote(store, [(AQUA, 2), (AQUA_600, 1), (AQUA, 1)])
    assert [(l["sku"], l["qty"], l["unit_price"], l["amount"]) for l in cart["lines"]] == [
        (AQUA, 3, 3_500, 10_500),
        (AQUA_600, 1, 4_500, 4_500),
    ]
    assert cart["items"] == 4 and cart["total"] == 15_000


@pytest.mark.parametrize(
    "lines, code",
    [
        ([], "empty_cart"),
        ([(AQUA, 0)], "bad_quantity"),
        ([(AQUA, 60), (AQUA, 40)], "bad_quantity"),
        ([("NOPE", 1)], "unknown_sku"),
    ],
)
def test_a_kiosk_cart_that_makes_no_sense_is_refused(
    store: StoreContext, lines: list[tuple[str, int]], code: str
) -> None:
    with pytest.raises(DomainError) as err:
        kiosk_carts.send_to_till(store, lines)
    assert err.value.code == code
    assert kiosk_carts.waiting_carts(store) == []


def test_sending_to_the_till_gives_the_days_next_code_and_tells_every_till(
    store: StoreContext, heard: list[tuple[str, dict[str, Any]]]
) -> None:
    first = kiosk_carts.send_to_till(store, [(AQUA, 2)])
    second = kiosk_carts.send_to_till(store, [(AQUA_600, 1), (AQUA, 1)])
    assert (first["code"], second["code"]) == ("K-1", "K-2")
    assert second["items"] == 2 and second["total"] == 8_000 and second["state"] == "sent"
    assert second["qr_payload"].startswith("K1.") and kiosk_carts.verified_cart_id(store, second["qr_payload"])
    ready = [data for topic, data in heard if topic == "kiosk_cart_ready"]
    assert [(d["code"], d["items"], d["total"]) for d in ready] == [("K-1", 2, 7_000), ("K-2", 2, 8_000)]
    assert all("till_id" not in d for d in ready), "no till_id: the notifier broadcasts to every till"
    assert [c["code"] for c in kiosk_carts.waiting_carts(store)] == ["K-1", "K-2"]


def test_the_code_starts_again_at_k1_after_local_midnight(store: StoreContext) -> None:
    store.clock = lambda: datetime(2026, 11, 23, 16, 58)  # 23:58 in Jakarta
    kiosk_carts.send_to_till(store, [(AQUA, 1)])
    kiosk_carts.send_to_till(store, [(AQUA, 1)])
    store.clock = lambda: datetime(2026, 11, 23, 17, 1)  # 00:01 the next day
    fresh = kiosk_carts.send_to_till(store, [(AQUA_600, 1)])
    assert fresh["code"] == "K-1"


def test_the_till_takes_a_kiosk_cart_into_its_open_sale(
    store: StoreContext, open_till: Actor, heard: list[tuple[str, dict[str, Any]]]
) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)  # already on the sale: the kiosk's adds to it
    kiosk_carts.send_to_till(store, [(AQUA, 2), (AQUA_600, 1)])
    got = kiosk_cart_sales.take(store, open_till, "k-1")
    assert got["sale"]["id"] == sale["id"]
    assert sorted((l["sku"], l["qty"]) for l in got["sale"]["lines"]) == [(AQUA, 3), (AQUA_600, 1)]
    assert got["sale"]["total"] == 3 * 3_500 + 4_500
    assert got["kiosk_cart"]["code"] == "K-1" and got["kiosk_cart"]["price_changes"] == []
    ticket = _ticket(store, "K-1")
    assert (ticket.state, ticket.taken_till, ticket.sale_id) == ("taken", "T1", sale["id"])
    assert kiosk_carts.waiting_carts(store) == []
    topics = [topic for topic, _ in heard]
    assert "kiosk_cart_taken" in topics and topics.count("sale") >= 1
    assert next(d for t, d in heard if t == "sale")["till_id"] == "T1"


def test_a_second_take_is_refused_and_changes_nothing(
    store: StoreContext, open_till: Actor, second_till: Actor
) -> None:
    kiosk_carts.send_to_till(store, [(AQUA, 1)])
    kiosk_cart_sales.take(store, open_till, "K-1")
    for who in (open_till, second_till):
        with pytest.raises(Conflict) as err:
            kiosk_cart_sales.take(store, who, "K-1")
        assert err.value.code == "ticket_taken" and "till T1" in err.value.message
    sale_t1, _ = till_sale.create_sale(store, open_till)
    assert [l["qty"] for l in sale_t1["lines"]] == [1]


def test_the_till_can_take_it_by_scanning_the_tickets_qr(store: StoreContext, open_till: Actor) -> None:
    sent = kiosk_carts.send_to_till(store, [(AQUA_600, 2)])
    got = kiosk_cart_sales.take(store, open_till, sent["qr_payload"].upper())  # a scanner in caps lock still works
    assert got["kiosk_cart"]["code"] == sent["code"] and got["sale"]["total"] == 9_000


def test_a_forged_or_other_store_qr_is_not_found(store: StoreContext, open_till: Actor) -> None:
    sent = kiosk_carts.send_to_till(store, [(AQUA, 1)])
    forged = sent["qr_payload"][:-4] + ("0000" if not sent["qr_payload"].endswith("0000") else "1111")
    with pytest.raises(NotFound) as err:
        kiosk_cart_sales.take(store, open_till, forged)
    assert err.value.code == "unknown_ticket"
    store.config.store.id = "TOKO-02"
    with pytest.raises(NotFound):
        kiosk_cart_sales.take(store, open_till, sent["qr_payload"])
    assert _ticket(store, "K-1").state == "sent"


@pytest.mark.parametrize(
    "ref, status, code", [("K-99", 404, "unknown_ticket"), ("hello", 422, "bad_ticket"), ("", 422, "bad_ticket")]
)
def test_an_unknown_or_malformed_code_is_refused(
    store: StoreContext, open_till: Actor, ref: str, status: int, code: str
) -> None:
    with pytest.raises(DomainError) as err:
        kiosk_cart_sales.take(store, open_till, ref)
    assert (err.value.status, err.value.code) == (status, code)


def test_an_expired_ticket_is_not_found_and_leaves_the_waiting_list(store: StoreContext, open_till: Actor) -> None:
    start = datetime(2026, 11, 23, 3, 0)
    store.clock = lambda: start
    kiosk_carts.send_to_till(store, [(AQUA, 1)])
    store.clock = lambda: start + timedelta(minutes=store.config.kiosk.ticket_minutes, seconds=1)
    assert kiosk_carts.waiting_carts(store) == []
    with pytest.raises(NotFound) as err:
        kiosk_cart_sales.take(store, open_till, "K-1")
    assert err.value.code == "expired_ticket"


def test_the_till_charges_todays_price_and_says_what_changed(store: StoreContext, open_till: Actor) -> None:
    kiosk_carts.send_to_till(store, [(AQUA, 2), (AQUA_600, 1)])
    _set_price(store, AQUA, 4_000)
    got = kiosk_cart_sales.take(store, open_till, "K-1")
    assert got["sale"]["total"] == 2 * 4_000 + 4_500
    assert got["kiosk_cart"]["total_at_kiosk"] == 2 * 3_500 + 4_500
    assert got["kiosk_cart"]["price_changes"] == [
        {"sku": AQUA, "name": "Air Mineral Aqua 330ml", "was": 3_500, "now": 4_000}
    ]


def test_an_item_delisted_since_is_left_out_and_named(store: StoreContext, open_till: Actor) -> None:
    kiosk_carts.send_to_till(store, [(AQUA, 1), (AQUA_600, 1)])
    with store.db.unit_of_work() as s:
        s.execute(update(Product).where(Product.sku == AQUA_600).values(active=False))
    got = kiosk_cart_sales.take(store, open_till, "K-1")
    assert [l["sku"] for l in got["sale"]["lines"]] == [AQUA]
    assert [u["sku"] for u in got["kiosk_cart"]["unavailable"]] == [AQUA_600]


def test_a_sale_being_paid_cannot_take_a_kiosk_cart(store: StoreContext, open_till: Actor) -> None:
    sale, _ = till_sale.create_sale(store, open_till)
    till_sale.add_line(store, open_till, sale["id"], barcode=AQUA_330)
    till_sale.add_tender(store, open_till, sale["id"], "cash", 1_000)
    kiosk_carts.send_to_till(store, [(AQUA_600, 1)])
    with pytest.raises(Conflict) as err:
        kiosk_cart_sales.take(store, open_till, "K-1")
    assert err.value.code == "tenders_taken"
    assert _ticket(store, "K-1").state == "sent"


def test_a_till_without_an_open_shift_cannot_take_it(store: StoreContext, cashier: Actor) -> None:
    kiosk_carts.send_to_till(store, [(AQUA, 1)])
    with pytest.raises(DomainError) as err:
        kiosk_cart_sales.take(store, cashier, "K-1")
    assert err.value.code == "no_open_shift"
    assert _ticket(store, "K-1").state == "sent"


def test_two_tills_taking_the_same_cart_at_once_one_wins(
    store: StoreContext, open_till: Actor, second_till: Actor
) -> None:
    kiosk_carts.send_to_till(store, [(AQUA, 1)])
    grabs = at_once(
        *[lambda a=a: kiosk_cart_sales.take(store, a, "K-1") for a in (open_till, second_till)], expected=(Conflict,)
    )
    results = ["refused" if isinstance(g, Conflict) else "won" for g in grabs]
    assert sorted(results) == ["refused", "won"]
    lines = [len(till_sale.create_sale(store, a)[0]["lines"]) for a in (open_till, second_till)]
    assert sorted(lines) == [0, 1]


def test_online_carts_say_clearly_they_are_not_connected_yet(store: StoreContext) -> None:
    with pytest.raises(DomainError) as err:
        online_carts.open_cart(store, "k7q-42p")
    assert (err.value.status, err.value.code) == (503, "online_carts_not_connected")
    with pytest.raises(DomainError) as bad:
        online_carts.open_cart(store, "<script>")
    assert bad.value.status == 422


def test_the_kiosk_browses_by_category_and_checks_a_price_by_barcode(store: StoreContext) -> None:
    cats = kiosk_catalog.categories(store)
    drinks = next(c for c in cats if c["code"] == "drinks")
    assert (drinks["name"], drinks["name_en"]) == ("Minuman", "Drinks") and drinks["count"] > 10
    page = kiosk_catalog.browse(store, category="drinks", limit=5)
    assert len(page["items"]) == 5 and page["more"] and all(p["category"] == "drinks" for p in page["items"])
    found = kiosk_catalog.browse(store, barcode=AQUA_330)["items"]
    assert [(p["sku"], p["price"], p["in_stock"]) for p in found] == [(AQUA, 3_500, True)]
    assert "on_hand" not in found[0], "a shopper sees whether it is in stock, not the stock figure"
    with pytest.raises(NotFound):
        kiosk_catalog.browse(store, barcode="8990000000000")
    with pytest.raises(NotFound):
        kiosk_catalog.browse(store, category="nope")
