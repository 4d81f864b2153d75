"""Claiming and checking out online carts at central, on SQLite and PostgreSQL: one winner per cart, one order per
cart, a stale token refused, a retry the same order, and every bad request refused with a clear message."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

import pytest
from cartkit import AQUA_330, StoreCalls, code_of, new_cart, use_clock
from racekit import at_once
from synckit import STORE, central, pg_url  # noqa: F401

from central.services import cart_checkout, carts, stores
from central.tables import CartOrder, OnlineCart
from common.errors import DomainError


def test_two_tills_claiming_the_same_cart_at_once_one_wins(central):
    api = StoreCalls(central.url, central.token)
    for _ in range(5):
        cart = new_cart(central.ctx)
        results = at_once(partial(api.claim, cart["code"], "T1"), partial(api.claim, cart["code"], "T2"))
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], results
        winner = next(body for status, body in results if status == 200)
        loser = next(body for status, body in results if status == 409)
        assert winner["fence"] == 1 and winner["status"] == "claimed"
        assert code_of(loser) == "cart_claimed" and "being paid at TOKO-01" in loser["error"]["message"]
        row = central.rows(OnlineCart.__table__.select().where(OnlineCart.id == cart["id"]))[0]
        assert (row.status, row.fence, row.claim_device) == ("claimed", 1, winner["claim"]["device_id"])


def test_a_store_checkout_racing_an_online_checkout_makes_exactly_one_order(central):
    api, clock = StoreCalls(central.url, central.token), use_clock(central.ctx)
    outcomes = set()
    for i in range(6):
        cart = new_cart(central.ctx)
        _, claimed = api.claim(cart["code"])
        if i % 2:
            clock.advance(minutes=16)  # the lease lapsed: both checkouts are allowed, only one can win
        raced: list[Any] = at_once(  # the store's answer (status, body), then the online checkout's (or its refusal)
            partial(api.checkout, cart["id"], claimed["fence"]),
            partial(cart_checkout.checkout_online, central.ctx, cart["id"], f"web-{uuid.uuid4()}"),
            expected=(DomainError,),
        )
        store, online = raced
        assert central.count(CartOrder, CartOrder.cart_id == cart["id"]) == 1
        order = central.rows(CartOrder.__table__.select().where(CartOrder.cart_id == cart["id"]))[0]
        if order.channel == "store":
            assert store[0] == 200 and isinstance(online, DomainError)
            assert online.code in ("cart_in_store", "cart_checked_out")
        else:
            assert isinstance(online, dict) and store[0] == 409 and code_of(store[1]) == "cart_checked_out"
            assert "already paid online" in store[1]["error"]["message"]
        outcomes.add(order.channel)
    assert "store" in outcomes  # with a live lease the store always wins


def test_a_stale_lease_holder_cannot_check_out(central):
    api, clock = StoreCalls(central.url, central.token), use_clock(central.ctx)
    cart = new_cart(central.ctx)
    _, first = api.claim(cart["code"], "T1")
    clock.advance(minutes=16)  # T1's lease lapses; T2 takes the cart over
    status, second = api.claim(cart["code"], "T2")
    assert status == 200 and second["fence"] == first["fence"] + 1

    for status, body in (
        api.checkout(cart["id"], first["fence"], device="T1"),
        api.claim(cart["code"], "T1", fence=first["fence"]),
        api.release(cart["id"], first["fence"], device="T1"),
    ):
        assert (status, code_of(body)) == (409, "stale_lease"), body
        assert "T2" in body["error"]["message"] or "no longer" in body["error"]["message"]
    assert central.count(CartOrder) == 0

    status, order = api.checkout(cart["id"], second["fence"], device="T2")
    assert status == 200 and order["device_id"] == "T2" and central.count(CartOrder) == 1


def test_a_retried_checkout_returns_the_same_order_and_a_new_checkout_id_is_refused(central):
    api = StoreCalls(central.url, central.token)
    cart = new_cart(central.ctx)
    _, claimed = api.claim(cart["code"])
    sale_id = str(uuid.uuid4())
    status, first = api.checkout(cart["id"], claimed["fence"], checkout_id=sale_id)
    assert status == 200 and first["repeat"] is False
    status, again = api.checkout(cart["id"], claimed["fence"], checkout_id=sale_id)
    assert status == 200 and again["repeat"] is True and again["id"] == first["id"]
    status, other = api.checkout(cart["id"], claimed["fence"])  # a new checkout id after success
    assert (status, code_of(other)) == (409, "cart_checked_out")
    assert (
        "already paid in store TOKO-01" in other["error"]["message"]
        and "nothing was charged twice" in other["error"]["message"]
    )
    assert central.count(CartOrder) == 1


def test_bad_cart_codes_are_refused_with_a_clear_message(central):
    api, clock = StoreCalls(central.url, central.token), use_clock(central.ctx)
    status, body = api.claim("Z9Z-9Z9")
    assert (status, code_of(body)) == (404, "unknown_cart") and "Z9Z-9Z9" in body["error"]["message"]
    status, body = api.claim("OC1.tokolain.K7Q-42P")
    assert (status, code_of(body)) == (422, "other_shop_cart") and "another shop" in body["error"]["message"]
    for garbage in ("<script>", "K7Q-42", "O0O-111"):
        status, body = api.claim(garbage)
        assert (status, code_of(body)) == (422, "bad_cart_code"), garbage

    paid = new_cart(central.ctx)
    _, claimed = api.claim(paid["code"])
    api.checkout(paid["id"], claimed["fence"])
    status, body = api.claim(paid["code"])
    assert (status, code_of(body)) == (409, "cart_checked_out") and "already paid in store" in body["error"]["message"]

    old = new_cart(central.ctx)
    clock.advance(days=15)
    status, body = api.claim(f"OC1.omnitoko.{old['code']}")  # the QR's text works as well as the code
    assert (status, code_of(body)) == (410, "cart_expired") and "expired" in body["error"]["message"]

    empty = carts.set_quantity(central.ctx, new_cart(central.ctx, [(AQUA_330, 1)])["id"], AQUA_330, 0)
    status, body = api.claim(empty["code"])
    assert (status, code_of(body)) == (409, "empty_cart")


def test_a_store_acts_only_for_itself(central):
    api = StoreCalls(central.url, central.token)
    other = StoreCalls(central.url, stores.add_store(central.ctx, "TOKO-02", "Omnitoko Depok"))
    cart = new_cart(central.ctx)
    _, claimed = api.claim(cart["code"])
    status, body = other.claim(cart["code"], "T1")
    assert (status, code_of(body)) == (409, "cart_claimed") and STORE in body["error"]["message"]
    for status, body in (other.checkout(cart["id"], claimed["fence"]), other.release(cart["id"], claimed["fence"])):
        assert (status, code_of(body)) == (409, "stale_lease")
    assert central.count(CartOrder) == 0
    status, body = StoreCalls(central.url, "not-a-token").claim(cart["code"])
    assert (status, code_of(body)) == (401, "bad_token")
    status, body = api.post("/claim", {"code": cart["code"], "device_id": "T1", "store_id": "TOKO-02"})
    assert status == 400  # no store id in a request: the token says who is asking


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"device_id": "T1", "fence": -1},
        {"device_id": "T 1", "fence": 1},
        {"device_id": "T1", "fence": "1"},
        {"device_id": "T1", "fence": 1, "x": 1},
    ],
)
def test_malformed_requests_are_400(central, body):
    api = StoreCalls(central.url, central.token)
    cart = new_cart(central.ctx)
    status, answer = api.post(f"/{cart['id']}/release", body)
    assert status == 400 and answer["error"]["message"]
    status, _ = api.post("/not-a-uuid/release", {"device_id": "T1", "fence": 1})
    assert status in (400, 404)


def test_a_released_cart_is_open_online_again_and_the_shopper_can_change_it(central):
    api = StoreCalls(central.url, central.token)
    cart = new_cart(central.ctx)
    _, claimed = api.claim(cart["code"], "kiosk")
    with pytest.raises(DomainError) as refused:
        carts.add_item(central.ctx, cart["id"], AQUA_330, 1)
    assert refused.value.code == "cart_in_store" and "being paid in store" in refused.value.message
    status, released = api.release(cart["id"], claimed["fence"], device="kiosk")
    assert status == 200 and released["status"] == "open"
    assert carts.add_item(central.ctx, cart["id"], AQUA_330, 1)["lines"][0]["qty"] == 3
