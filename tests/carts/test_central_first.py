"""Completing a sale asks central first (points hold captured, online cart checked out) with no transaction
open, then records the sale in a short one: another till sells while central answers, and a crash between the
two is recovered from the ids (the conftest guard fails any test that sends HTTP inside a transaction)."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
import requests
from cartkit import AQUA_330, new_cart
from sqlalchemy import select
from synckit import agents, central, connect_store, pg_url, sync_until_clean  # noqa: F401
from txguard import NetworkInTransaction

from central.services import loyalty as central_loyalty
from central.tables import CartOrder, Member, PointsHold
from common import member_qr
from pos import bootstrap
from pos.adapters import central_carts
from pos.adapters.tables import OutboxEvent
from pos.services import auth, central_steps, checkout, loyalty, loyalty_redeem, online_carts, sales, shifts, till_sale
from pos.services.sale_views import get_sale

KEY = member_qr.new_private_key()


@pytest.fixture
def shop(store, central, open_till):  # type: ignore[no-untyped-def]
    central.ctx.config.loyalty.signing_key = KEY
    connect_store(store, central)
    bootstrap.enable(store, "online_cart", "points")
    return store


def cart_and_points(central, store, till, agent, points: int = 20, cash: bool = True):  # type: ignore[no-untyped-def]
    """A member's sale holding an online cart, paid partly with points (a hold at central) and the rest cash (with
    `cash`, else left to pay)."""
    m = central_loyalty.adjust(
        central.ctx, central_loyalty.sign_up(central.ctx, "Budi", "081200001111")["id"], 100, "opening balance"
    )
    sync_until_clean(agent)
    cart = new_cart(central.ctx, [(AQUA_330, 6)], pickup="TOKO-01")
    sale_id = online_carts.take_into_sale(store, till, cart["code"])["sale"]["id"]
    loyalty.attach(store, till, sale_id, card=m["card"])
    paid = loyalty_redeem.redeem(store, till, sale_id, points)
    assert paid["redeemed"]["mode"] == "online"
    if cash:
        till_sale.add_tender(store, till, sale_id, "cash", paid["sale"]["remaining"], None)
    return m, cart, sale_id


def central_side(central, member_id: str, cart_id: str) -> tuple[Any, ...]:  # type: ignore[no-untyped-def]
    with central.ctx.db.sessions() as s:
        m = s.get(Member, member_id)
        holds = list(s.scalars(select(PointsHold.state).where(PointsHold.member_id == member_id)))
        orders = list(s.scalars(select(CartOrder.number).where(CartOrder.cart_id == cart_id)))
        return m.balance, m.held, holds, orders


def outbox_types(store) -> list[str]:  # type: ignore[no-untyped-def]
    with store.db.sessions() as s:
        return sorted(s.scalars(select(OutboxEvent.type)))


def test_a_sale_with_an_online_cart_and_points_is_confirmed_by_central_and_booked_once(
    shop, central, open_till, agents
):
    agent = agents()
    m, cart, sale_id = cart_and_points(central, shop, open_till, agent)
    done = checkout.complete(shop, open_till, sale_id)
    assert done["online_cart"]["recorded_at_central"] is True and done["loyalty"]["redeemed"] == 20
    assert central_side(central, m["id"], cart["id"]) == (100, 20, ["held"], [done["number"]]), (
        "the cart's order carries the sale's receipt number; the captured hold waits for the sale"
    )
    sync_until_clean(agent)
    balance, held, holds, orders = central_side(central, m["id"], cart["id"])
    assert (balance - 100 + 20, held, holds, orders) == (done["loyalty"]["earned"], 0, ["posted"], [done["number"]])


def test_the_payment_key_leaves_a_sale_central_must_confirm_paid_and_open_for_complete(
    shop, central, open_till, agents
):
    """checkout.pay (the till's one request) does not ask central inside its transaction: it keeps the payment and
    leaves the sale open with nothing to pay; complete() then asks central and books it (the till calls it next)."""
    agent = agents()
    m, cart, sale_id = cart_and_points(central, shop, open_till, agent, cash=False)
    due = get_sale(shop, sale_id)["remaining"]
    paid = checkout.pay(shop, open_till, sale_id, "cash", due)
    assert (paid["state"], paid["number"], paid["remaining"]) == ("open", None, 0)
    assert central_side(central, m["id"], cart["id"]) == (100, 20, ["held"], []), "central not asked yet"
    assert "sale.completed" not in outbox_types(shop)
    done = checkout.complete(shop, open_till, sale_id)
    assert done["online_cart"]["recorded_at_central"] is True and done["loyalty"]["redeemed"] == 20
    assert [t["type"] for t in done["tenders"]] == ["points", "cash"]
    assert central_side(central, m["id"], cart["id"])[3] == [done["number"]]


def test_another_till_sells_while_central_is_still_answering_the_completion(shop, central, open_till, agents):
    m, cart, sale_id = cart_and_points(central, shop, open_till, agents())
    other = auth.sign_in(shop, "1002", "2345", "T2")[1]
    shifts.open_shift(shop, other, 100_000)
    asked, sold = threading.Event(), threading.Event()
    real = central_carts.CartsClient.checkout

    def slow_central(self, *args):  # type: ignore[no-untyped-def]
        asked.set()
        assert sold.wait(120), "till T2 could not finish its sale while central was answering T1"
        return real(self, *args)

    results: dict[str, Any] = {}

    def complete_t1() -> None:
        try:
            results["t1"] = checkout.complete(shop, open_till, sale_id)
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            results["t1"] = e

    with mock.patch.object(central_carts.CartsClient, "checkout", slow_central):
        t1 = threading.Thread(target=complete_t1)
        t1.start()
        assert asked.wait(120)
        view = till_sale.add_line(
            shop, other, till_sale.create_sale(shop, other)[0]["id"], barcode="8990000100010", qty=2
        )
        till_sale.add_tender(shop, other, view["id"], "cash", view["total"], None)
        t2 = checkout.complete(shop, other, view["id"])  # the store's write lock is free meanwhile
        sold.set()
        t1.join(120)
    assert t2["state"] == "completed" and t2["number"].endswith("T2-000001")
    assert isinstance(results["t1"], dict) and results["t1"]["online_cart"]["recorded_at_central"] is True
    assert central_side(central, m["id"], cart["id"])[3] == [results["t1"]["number"]]


def test_a_crash_after_central_answered_is_recovered_by_completing_the_sale_again(shop, central, open_till, agents):
    agent = agents()
    m, cart, sale_id = cart_and_points(central, shop, open_till, agent)
    with (
        mock.patch.object(checkout, "next_receipt_number", side_effect=RuntimeError("the till lost power")),
        pytest.raises(RuntimeError),
    ):
        checkout.complete(shop, open_till, sale_id)
    assert get_sale(shop, sale_id)["state"] == "open" and "sale.completed" not in outbox_types(shop)
    number = central_side(central, m["id"], cart["id"])[3]
    assert central_side(central, m["id"], cart["id"])[:3] == (100, 20, ["held"]) and len(number) == 1

    done = checkout.complete(shop, open_till, sale_id)  # central answers the same for the same ids
    assert done["number"] == number[0] and done["online_cart"]["recorded_at_central"] is True
    sync_until_clean(agent)
    balance, held, holds, orders = central_side(central, m["id"], cart["id"])
    assert (balance - 100 + 20, held, holds, orders) == (done["loyalty"]["earned"], 0, ["posted"], number), (
        "one order, the points spent once"
    )


def test_a_captured_hold_whose_sale_crashed_is_released_when_the_points_payment_is_taken_off(
    shop, central, open_till, agents
):
    agent = agents()
    m, cart, sale_id = cart_and_points(central, shop, open_till, agent)
    with (
        mock.patch.object(central_steps, "check_out_at_central", side_effect=RuntimeError("crash")),
        pytest.raises(RuntimeError),
    ):
        checkout.complete(shop, open_till, sale_id)  # the hold is captured, then the till died
    assert central_side(central, m["id"], cart["id"])[:3] == (100, 20, ["held"])
    view = get_sale(shop, sale_id)
    points = next(t for t in view["tenders"] if t["type"] == "points")
    view = sales.remove_tender(shop, open_till, sale_id, points["id"])
    till_sale.add_tender(shop, open_till, sale_id, "cash", view["remaining"], None)
    done = checkout.complete(shop, open_till, sale_id)
    assert done["loyalty"]["redeemed"] == 0 and "loyalty.released" in outbox_types(shop)
    sync_until_clean(agent)
    balance, held, holds, orders = central_side(central, m["id"], cart["id"])
    assert (balance - 100, held, holds, orders) == (done["loyalty"]["earned"], 0, ["released"], [done["number"]])


def test_an_http_call_made_inside_a_transaction_fails_the_test(shop, central, no_network_in_transaction):
    with pytest.raises(NetworkInTransaction), shop.db.unit_of_work() as s:
        s.execute(select(OutboxEvent.type)).all()
        requests.get(central.url + "/api/v1/health", timeout=5)
    requests.get(central.url + "/api/v1/health", timeout=5)  # after the commit it may
    assert len(no_network_in_transaction.violations) == 1
    no_network_in_transaction.violations.clear()  # this test made the one on purpose
