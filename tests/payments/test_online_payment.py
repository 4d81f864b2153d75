"""Paying a shop cart online through the stand-in gateway (real HTTP both ways): paid, expired, cancelled,
refunded in part; the cart frozen meanwhile; the central store believes only signed, matching notifications
that a status check confirms."""

from __future__ import annotations

import pytest
from paykit import AQUA_330, AQUA_600, alerts, new_cart, online_stock, payment, post_notify, standin, start  # noqa: F401
from sqlalchemy import select
from synckit import central, pg_url  # noqa: F401

from central.services import carts, payments
from central.services.cart_claims import claim
from central.tables import CartOrder, CartReservation, Refund, Sale, SaleLine, Tender
from common.errors import Conflict


def test_a_cart_paid_online_is_a_sale_at_the_central_store_with_the_gateway_reference(central, standin):
    before = online_stock(central, AQUA_330)
    cart = new_cart(central.ctx, [(AQUA_330, 2), (AQUA_600, 1)])
    view = start(central, cart["id"])
    assert view["amount"] == cart["total"] == 11_500
    assert carts.view(central.ctx, cart["id"])["status"] == "paying"
    back = standin.press(view["redirect_url"], "pay", "gopay")
    assert back.status_code == 302 and back.headers["Location"].startswith(central.url + "/shop/pay/back?order_id=")
    p = payment(central, view["order_id"])
    assert (p.status, p.payment_type) == ("settlement", "gopay")
    assert p.transaction_id == standin.ledger.by_order(view["order_id"]).transaction_id
    with central.ctx.db.sessions() as s:
        sale = s.get(Sale, p.sale_id)
        assert (sale.store_id, sale.number, sale.total) == ("ONLINE", view["order_id"], 11_500)
        assert [t.type for t in s.scalars(select(Tender).where(Tender.sale_id == sale.id))] == ["online"]
        assert sorted((l.sku, l.qty) for l in s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id))) == [
            (AQUA_330, 2),
            (AQUA_600, 1),
        ]
        order = s.scalar(select(CartOrder).where(CartOrder.cart_id == cart["id"]))
        assert (order.channel, order.number, order.total) == ("online", view["order_id"], 11_500)
    assert carts.view(central.ctx, cart["id"])["status"] == "checked_out"
    assert online_stock(central, AQUA_330) == before - 2
    again = payments.check(central.ctx, view["order_id"])  # the shopper reloads the return page
    assert again["status"] == "settlement" and online_stock(central, AQUA_330) == before - 2
    assert alerts(central, "payment_unconfirmed") == []


def test_an_expired_payment_gives_the_held_stock_back_and_the_cart_can_change_again(central, standin):
    cart = new_cart(central.ctx, [(AQUA_330, 3)])
    view = start(central, cart["id"])
    with central.ctx.db.sessions() as s:
        held = s.scalars(select(CartReservation).where(CartReservation.cart_id == cart["id"])).all()
        assert [(r.location, r.qty, r.state) for r in held] == [("ONLINE", 3, "held")]
    with pytest.raises(Conflict) as e:
        carts.set_quantity(central.ctx, cart["id"], AQUA_330, 5)
    assert e.value.code == "cart_paying"
    with pytest.raises(Conflict) as e:
        claim(central.ctx, "TOKO-01", "T1", cart["code"])
    assert e.value.code == "cart_paying_online"
    standin.press(view["redirect_url"], "expire")
    assert payment(central, view["order_id"]).status == "expire"
    with central.ctx.db.sessions() as s:
        states = s.scalars(select(CartReservation.state).where(CartReservation.cart_id == cart["id"])).all()
        assert states == ["released"]
        assert s.scalar(select(Sale).where(Sale.number == view["order_id"])) is None
    assert carts.set_quantity(central.ctx, cart["id"], AQUA_330, 5)["status"] == "open"
    second = start(central, cart["id"])  # paying again is a new gateway order
    assert second["order_id"] != view["order_id"] and second["amount"] == 5 * 3_500


def test_a_cancelled_payment_charges_nothing_and_the_shopper_sees_it(central, standin):
    cart = new_cart(central.ctx, [(AQUA_600, 1)])
    view = start(central, cart["id"])
    standin.press(view["redirect_url"], "cancel")
    assert payment(central, view["order_id"]).status == "cancel"
    assert carts.view(central.ctx, cart["id"])["status"] == "open"


def test_a_paid_order_is_refunded_in_part_then_in_full_and_no_further(central, standin):
    cart = new_cart(central.ctx, [(AQUA_330, 2), (AQUA_600, 1)])
    view = start(central, cart["id"])
    standin.press(view["redirect_url"], "pay")
    p = payments.refund(central.ctx, view["id"], 3_500, "one bottle arrived broken")
    assert (p["status"], p["refunded"]) == ("partial_refund", 3_500)
    p = payments.refund(central.ctx, view["id"], 8_000, "order returned")
    assert (p["status"], p["refunded"]) == ("refund", 11_500)
    with central.ctx.db.sessions() as s:
        facts = s.scalars(select(Refund).where(Refund.sale_id == payment(central, view["order_id"]).sale_id)).all()
        assert sorted(r.amount for r in facts) == [3_500, 8_000]
    with pytest.raises(Conflict):
        payments.refund(central.ctx, view["id"], 1, "again")
    # the gateway's refund notifications, arriving after, record nothing twice
    assert payment(central, view["order_id"]).refunded == 11_500


def test_a_refund_above_what_is_left_is_refused_before_the_gateway_is_asked(central, standin):
    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    view = start(central, cart["id"])
    standin.press(view["redirect_url"], "pay")
    with pytest.raises(Exception) as e:
        payments.refund(central.ctx, view["id"], 3_501, "too much")
    assert getattr(e.value, "code", "") == "refund_too_much"
    assert payment(central, view["order_id"]).refunded == 0


def test_a_forged_notification_is_refused_changes_nothing_and_raises_an_alert(central, standin):
    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    view = start(central, cart["id"])
    forged = {
        "order_id": view["order_id"],
        "status_code": "200",
        "gross_amount": "3500.00",
        "transaction_status": "settlement",
        "signature_key": "0" * 128,
    }
    status, body = post_notify(central, forged)
    assert (status, body["outcome"]) == (403, "forged")
    status, _ = post_notify(central, {k: v for k, v in forged.items() if k != "signature_key"})
    assert status == 403
    assert payment(central, view["order_id"]).status == "created"
    assert carts.view(central.ctx, cart["id"])["status"] == "paying"
    assert len(alerts(central, "payment_forged")) == 2


def test_a_signed_notification_with_another_amount_changes_nothing_and_raises_an_alert(central, standin):
    from common.payment_signature import signature

    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    view = start(central, cart["id"])
    body = {
        "order_id": view["order_id"],
        "status_code": "200",
        "gross_amount": "1.00",
        "transaction_status": "settlement",
    }
    body["signature_key"] = signature(view["order_id"], "200", "1.00", standin.key)
    status, answer = post_notify(central, body)
    assert (status, answer["outcome"]) == (200, "mismatch")
    assert payment(central, view["order_id"]).status == "created" and alerts(central, "payment_mismatch")


def test_a_replayed_notification_is_ignored_and_raises_an_alert(central, standin):
    cart = new_cart(central.ctx, [(AQUA_330, 2)])
    before = online_stock(central, AQUA_330)
    view = start(central, cart["id"])
    standin.press(view["redirect_url"], "pay")
    pending, settled = standin.ledger.sent[-2:]
    assert (pending["transaction_status"], settled["transaction_status"]) == ("pending", "settlement")
    for body in (settled, pending, settled):
        status, answer = post_notify(central, body)
        assert (status, answer["outcome"]) == (200, "replay")
    p = payment(central, view["order_id"])
    assert p.status == "settlement" and online_stock(central, AQUA_330) == before - 2
    with central.ctx.db.sessions() as s:
        assert len(s.scalars(select(Sale).where(Sale.number == view["order_id"])).all()) == 1
    assert len(alerts(central, "payment_replay")) == 3


def test_the_return_from_the_gateway_alone_changes_nothing(central, standin):
    """A shopper typing the success URL by hand: the status check says the order is not paid."""
    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    view = start(central, cart["id"])
    import requests

    page = requests.get(
        central.url + "/shop/pay/back",
        params={"order_id": view["order_id"], "status_code": "200", "transaction_status": "settlement"},
        timeout=10,
    )
    assert page.status_code == 200
    assert payment(central, view["order_id"]).status == "created"
    assert carts.view(central.ctx, cart["id"])["status"] == "paying"


def test_a_signed_notification_for_an_order_never_sent_is_ignored_and_raised(central, standin):
    from common.payment_signature import signature

    body = {
        "order_id": "OT-NOPE-1",
        "status_code": "200",
        "gross_amount": "5000.00",
        "transaction_status": "settlement",
    }
    body["signature_key"] = signature("OT-NOPE-1", "200", "5000.00", standin.key)
    status, answer = post_notify(central, body)
    assert (status, answer["outcome"]) == (200, "unknown")
    assert alerts(central, "payment_unknown_order")


def test_a_gateway_that_cannot_make_the_page_leaves_the_cart_as_it_was(central, standin):
    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    central.ctx.config.payments.server_key = ""
    from central.gateways import build_gateway

    central.ctx.gateway = build_gateway(central.ctx.config.payments)
    with pytest.raises(Exception) as e:
        start(central, cart["id"])
    assert getattr(e.value, "code", "") == "gateway_not_configured"
    view = carts.view(central.ctx, cart["id"])
    assert view["status"] == "open"
    with central.ctx.db.sessions() as s:
        assert s.scalars(select(CartReservation.state).where(CartReservation.cart_id == cart["id"])).all() == [
            "released"
        ]


def test_a_notification_the_gateway_could_not_confirm_is_applied_when_it_is_sent_again(central, standin, monkeypatch):
    from central.services.gateway import GatewayError

    cart = new_cart(central.ctx, [(AQUA_330, 1)])
    view = start(central, cart["id"])
    standin.ledger._notify = lambda body: None  # the stand-in's own deliveries are lost; the test delivers
    standin.ledger.pay(standin.token(view["redirect_url"]))
    settled = standin.ledger.sent[-1]
    real = central.ctx.gateway.status

    def down(order_id):
        raise GatewayError("gateway_unreachable", "the payment gateway did not answer a status check: Timeout")

    monkeypatch.setattr(central.ctx.gateway, "status", down)
    import requests

    status = requests.post(central.url + "/api/v1/payments/notify", json=settled, timeout=30).status_code
    assert status == 502 and payment(central, view["order_id"]).status == "created"
    monkeypatch.setattr(central.ctx.gateway, "status", real)
    status, answer = post_notify(central, settled)  # the gateway's retry: the same body
    assert (status, answer["outcome"]) == (200, "applied")
    assert payment(central, view["order_id"]).status == "settlement" and alerts(central, "payment_replay") == []
