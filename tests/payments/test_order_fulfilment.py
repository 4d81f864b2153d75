"""A paid online order fulfilled by a store, end to end over real HTTP (stand-in gateway, central, the store's
agent): pickup picked by scanning, packed and handed over by the shopper's code; delivery shipped with tracking;
a short pick refunded in part through the gateway; an order no store can fulfil refunded in full. The stock moves
once, at the store, in both ledgers."""

from __future__ import annotations

import re

import pytest
import requests
from orderkit import (
    BARCODE,
    LE_MINERALE_600,
    STORE,
    central_on_hand,
    central_order,
    central_order_moves,
    order_refunds,
    pay_order,
    payment_refunds,
    store_on_hand,
    store_order_moves,
    sync,
)
from paykit import AQUA_330, AQUA_600, online_stock, payment, standin  # noqa: F401
from sqlalchemy import select
from synckit import agents, central, connect_store, pg_url  # noqa: F401

from central.services import fulfilment
from central.tables import CartReservation, Sale, SaleLine
from common import i18n
from common.errors import Conflict, DomainError
from pos.services import manager_access, online_order_views, online_orders


@pytest.fixture
def shop(store, central):  # type: ignore[no-untyped-def]
    connect_store(store, central)
    return store


def pick_all(store, actor, order_id: str, lines: list[tuple[str, int]]) -> dict:  # type: ignore[no-untyped-def]
    view = {}
    for sku, qty in lines:
        for _ in range(qty):
            view = online_orders.scan(store, actor, order_id, BARCODE[sku])
    return view


def test_a_pickup_order_is_picked_packed_and_handed_over_by_its_code_and_the_stock_moves_once(
    shop, cashier, central, standin, agents
):
    manager = manager_access.sign_in_manager(shop, "9001", "4321")[1]  # the back office screens: no till
    central_before, store_before = central_on_hand(central, AQUA_330), store_on_hand(shop, AQUA_330)
    online_before = online_stock(central, AQUA_330)
    paid = pay_order(central, standin, [(AQUA_330, 2), (AQUA_600, 1)])
    assert paid["amount"] == 11_500 and payment(central, paid["order_id"]).status == "settlement"
    assert central_order(central, paid["order_id"]).status == "assigned"
    with central.ctx.db.sessions() as s:  # held at the store that fulfils it, not at the online warehouse
        held = s.scalars(select(CartReservation).where(CartReservation.cart_id == paid["cart_id"])).all()
        assert sorted((r.location, r.sku, r.qty) for r in held if r.state == "held") == [
            (STORE, AQUA_330, 2),
            (STORE, AQUA_600, 1),
        ]
    assert online_stock(central, AQUA_330) == online_before

    agent = agents()
    sync(agent)
    [order] = online_order_views.orders(shop)
    assert fulfilment.for_shopper(central.ctx, paid["order_id"], "another-cart") is None  # only the shopper's page
    mine = fulfilment.for_shopper(central.ctx, paid["order_id"], paid["cart_id"])
    assert mine is not None and mine["code"] == paid["code"] and mine["status"] == "assigned"
    assert (order["number"], order["mode"], order["status"], order["items"]) == (
        paid["order_id"],
        "pickup",
        "assigned",
        3,
    )
    # The shopper comes to the till before the order is packed: the cashier is told which order and what to do.
    with pytest.raises(Conflict) as e:
        online_orders.hand_over(shop, cashier, paid["code"])
    assert e.value.code == "order_not_ready"
    assert i18n.error_message("id", e.value.code, e.value.message, e.value.detail) == (
        f"Pesanan online {paid['order_id']} belum siap untuk langkah ini: siapkan dulu di layar Pesanan online "
        "manajer (ambil barang, lalu kemas)"
    )
    with pytest.raises(DomainError) as e:
        online_orders.scan(shop, manager, order["id"], BARCODE[LE_MINERALE_600])
    assert e.value.code == "not_in_order"
    pick_all(shop, manager, order["id"], [(AQUA_330, 2), (AQUA_600, 1)])
    with pytest.raises(DomainError) as e:
        online_orders.scan(shop, manager, order["id"], BARCODE[AQUA_600])
    assert e.value.code == "picked_too_many"
    assert online_orders.finish_pick(shop, manager, order["id"])["refund_due"] == 0
    online_orders.pack(shop, manager, order["id"])
    sync(agent)
    assert central_order(central, paid["order_id"]).status == "packed"
    assert store_on_hand(shop, AQUA_330) == store_before  # nothing left the store before the hand-over

    with pytest.raises(DomainError) as e:
        online_orders.hand_over(shop, cashier, "ZZZ-999")
    assert e.value.code == "unknown_order_code"
    done = online_orders.hand_over(shop, cashier, "OO1." + paid["code"].replace("-", "").lower())
    assert done["status"] == "collected" and done["done_by"] == "T1"
    with pytest.raises(Conflict) as e:
        online_orders.hand_over(shop, cashier, paid["code"])
    assert e.value.code == "already_handed_over"
    sync(agent)

    assert central_order(central, paid["order_id"]).status == "collected"
    assert fulfilment.for_shopper(central.ctx, paid["order_id"], paid["cart_id"])["status"] == "collected"
    assert (
        store_order_moves(shop, order["id"])
        == central_order_moves(central, paid["order_id"])
        == [
            (AQUA_330, -2),
            (AQUA_600, -1),
        ]
    )
    assert store_on_hand(shop, AQUA_330) == store_before - 2
    assert central_on_hand(central, AQUA_330) == central_before - 2
    with central.ctx.db.sessions() as s:
        states = s.scalars(select(CartReservation.state).where(CartReservation.cart_id == paid["cart_id"])).all()
        assert "held" not in states and "converted" in states
    assert online_stock(central, AQUA_330) == online_before


def test_a_delivery_order_carries_the_fee_and_is_shipped_with_its_tracking_number(
    shop, manager, central, standin, agents
):
    central.ctx.config.shop.delivery_fee = 15_000
    paid = pay_order(
        central, standin, [(AQUA_600, 2)], "delivery", customer="Ani", address="Jl. Kemang Raya 5, Jakarta"
    )
    assert paid["amount"] == 9_000 + 15_000
    assert standin.ledger.by_order(paid["order_id"]).amount == 24_000
    with central.ctx.db.sessions() as s:
        sale = s.scalar(select(Sale).where(Sale.number == paid["order_id"]))
        fee = s.scalar(select(SaleLine).where(SaleLine.sale_id == sale.id, SaleLine.sku == "DELIVERY"))
        assert (sale.total, fee.net) == (24_000, 15_000)
    assert central_order(central, paid["order_id"]).store_id == STORE  # the first store with all of it in stock
    agent = agents()
    sync(agent)
    [order] = online_order_views.orders(shop)
    assert (order["mode"], order["address"], order["delivery_fee"]) == (
        "delivery",
        "Jl. Kemang Raya 5, Jakarta",
        15_000,
    )
    pick_all(shop, manager, order["id"], [(AQUA_600, 2)])
    online_orders.finish_pick(shop, manager, order["id"])
    online_orders.pack(shop, manager, order["id"])
    with pytest.raises(DomainError) as e:
        online_orders.hand_over(shop, manager, paid["code"])
    assert e.value.code == "order_is_delivery"
    with pytest.raises(DomainError) as e:
        online_orders.ship(shop, manager, order["id"], "JNE", "")
    assert e.value.code == "missing_tracking"
    online_orders.ship(shop, manager, order["id"], "JNE", "JNE0012345678")
    sync(agent)
    o = central_order(central, paid["order_id"])
    assert (o.status, o.courier, o.tracking) == ("shipped", "JNE", "JNE0012345678")
    assert central_order_moves(central, paid["order_id"]) == [(AQUA_600, -2)]


def test_a_short_pick_refunds_the_missing_line_through_the_gateway_and_a_substitute_its_difference(
    shop, manager, central, standin, agents
):
    paid = pay_order(central, standin, [(AQUA_330, 2), (AQUA_600, 2)])  # 7.000 + 9.000
    agent = agents()
    sync(agent)
    [order] = online_order_views.orders(shop)
    online_orders.scan(shop, manager, order["id"], BARCODE[AQUA_330])  # one of two: the other is refunded
    online_orders.scan(shop, manager, order["id"], BARCODE[AQUA_600])
    with pytest.raises(DomainError) as e:  # Aqua 1500ml is Rp 7.000, more than the Rp 4.500 paid
        online_orders.substitute(shop, manager, order["id"], AQUA_600, "8990000100034", 1)
    assert e.value.code == "substitute_costs_more"
    view = online_orders.substitute(shop, manager, order["id"], AQUA_600, BARCODE[LE_MINERALE_600], 1)
    assert view["refund_due"] == 3_500 + 500
    online_orders.finish_pick(shop, manager, order["id"])
    sync(agent)

    [refund] = order_refunds(central, paid["order"])
    assert (refund.amount, refund.state) == (4_000, "sent")
    p = payment(central, paid["order_id"])
    assert (p.status, p.refunded) == ("partial_refund", 4_000)
    assert refund.gateway_ref == p.transaction_id
    [recorded] = payment_refunds(central, refund.id)  # the gateway's refund under our key, recorded once
    assert recorded.amount == 4_000
    assert [r["refund_key"] for r in standin.ledger.by_order(paid["order_id"]).refunds] == [refund.id]
    sync(agent)
    assert online_order_views.get(shop, order["id"])["refunded"] == 4_000

    online_orders.pack(shop, manager, order["id"])
    online_orders.hand_over(shop, manager, paid["code"])
    sync(agent)
    assert central_order_moves(central, paid["order_id"]) == sorted(
        [(AQUA_330, -1), (AQUA_600, -1), (LE_MINERALE_600, -1)]
    )
    assert store_order_moves(shop, order["id"]) == central_order_moves(central, paid["order_id"])


def test_an_order_the_store_cannot_fulfil_is_refunded_in_full_and_its_stock_released(
    shop, manager, central, standin, agents
):
    central.ctx.config.shop.delivery_fee = 10_000
    paid = pay_order(central, standin, [(AQUA_330, 3)], "delivery", address="Jl. Margonda 100, Depok")
    agent = agents()
    sync(agent)
    [order] = online_order_views.orders(shop)
    online_orders.cancel(shop, manager, order["id"], "freezer broke, all stock damaged")
    sync(agent)
    assert central_order(central, paid["order_id"]).status == "cancelled"
    p = payment(central, paid["order_id"])
    assert (p.status, p.refunded) == ("refund", 10_500 + 10_000)
    [refund] = order_refunds(central, paid["order"])
    assert refund.state == "sent" and refund.reason.startswith("cancelled by the store")
    with central.ctx.db.sessions() as s:
        states = s.scalars(select(CartReservation.state).where(CartReservation.cart_id == paid["cart_id"])).all()
        assert "held" not in states
    assert central_order_moves(central, paid["order_id"]) == []
    with pytest.raises(Conflict) as e:
        online_orders.pack(shop, manager, order["id"])
    assert e.value.code == "order_done"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def test_the_shopper_chooses_delivery_in_the_shop_and_the_order_page_follows_the_store(
    shop, manager, central, standin, agents
):
    shopper = requests.Session()
    page = shopper.get(central.url + "/shop/", timeout=10).text
    cart = shopper.post(
        central.url + "/shop/cart/add",
        data={"sku": AQUA_600, "qty": 1, "csrf_token": _csrf(page), "next": "/shop/cart"},
        timeout=10,
    ).text
    assert 'id="mode-delivery"' in cart and "Rp 15.000" in cart
    short = shopper.post(
        central.url + "/shop/pay/",
        data={"csrf_token": _csrf(cart), "mode": "delivery", "customer": "Ani", "address": "x"},
        timeout=30,
    )
    assert "Tulis alamat pengiriman (jalan, nomor, kota)" in short.text  # refused in the shopper's language
    to_gateway = shopper.post(
        central.url + "/shop/pay/",
        data={"csrf_token": _csrf(cart), "mode": "delivery", "customer": "Ani", "address": "Jl. Kemang Raya 5"},
        allow_redirects=False,
        timeout=30,
    )
    back = shopper.post(to_gateway.headers["Location"] + "/pay", data={"method": "gopay"}, timeout=30)
    assert 'id="order"' in back.text and 'data-status="assigned"' in back.text and "Rp 19.500" in back.text
    number = re.search(r"order_id=([A-Z0-9-]+)", back.url).group(1)  # type: ignore[union-attr]
    live = shopper.get(central.url + "/shop/pay/order", params={"order_id": number}, timeout=10).json()
    assert live["status"] == "assigned"
    assert requests.get(central.url + "/shop/pay/order", params={"order_id": number}, timeout=10).status_code == 404
    agent = agents()
    sync(agent)
    [order] = online_order_views.orders(shop)
    online_orders.scan(shop, manager, order["id"], BARCODE[AQUA_600])
    online_orders.finish_pick(shop, manager, order["id"])
    online_orders.pack(shop, manager, order["id"])
    online_orders.ship(shop, manager, order["id"], "SiCepat", "SC123456")
    sync(agent)
    live = shopper.get(central.url + "/shop/pay/order", params={"order_id": number}, timeout=10).json()
    assert (live["status"], live["courier"], live["tracking"]) == ("shipped", "SiCepat", "SC123456")
    shown = shopper.get(back.url, timeout=10).text
    assert "SiCepat" in shown and "SC123456" in shown and 'id="order-qr"' not in shown
