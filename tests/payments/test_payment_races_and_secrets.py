"""Notifications racing for one order on PostgreSQL, a lost notification found by the sweep, the shop's pay flow
over HTTP, and the gateway's server key nowhere a store, a browser, a log or the feed can see it."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
import requests
from paykit import (
    AQUA_330,
    AQUA_600,
    new_cart,
    online_stock,
    payment,
    post_notify,
    standin,  # noqa: F401
    standin_for,
    start,
)
from racekit import at_once
from sqlalchemy import func, select
from synckit import central, pg_url  # noqa: F401

from central.services import carts, payments
from central.tables import Alert, CartOrder, Change, PaymentNotification, Sale, StockEntry


@pytest.fixture
def quiet_standin(central):  # type: ignore[no-untyped-def]
    """A stand-in whose notifications are kept back: the test delivers them (or loses them)."""
    yield from standin_for(central, deliver=False)


@pytest.mark.parametrize("central", ["postgresql"], indirect=True)
def test_notifications_and_status_checks_racing_for_one_order_sell_it_once(central, quiet_standin):
    cart = new_cart(central.ctx, [(AQUA_330, 2), (AQUA_600, 1)])
    before = online_stock(central, AQUA_330)
    view = start(central, cart["id"])
    quiet_standin.ledger.pay(quiet_standin.token(view["redirect_url"]))
    pending, settled = quiet_standin.hold
    results = at_once(
        *[lambda b=b: post_notify(central, b)[1]["outcome"] for b in (pending, settled, settled, pending)],
        *[lambda: payments.check(central.ctx, view["order_id"])["status"]] * 6,
    )
    print(f"\nrace outcomes: {sorted(map(str, results))}")
    assert len(results) == 10
    assert set(results) <= {"applied", "ignored", "replay", "settlement"}
    with central.ctx.db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Sale).where(Sale.number == view["order_id"])) == 1
        assert s.scalar(select(func.count()).select_from(CartOrder).where(CartOrder.cart_id == cart["id"])) == 1
        sale_id = payment(central, view["order_id"]).sale_id
        assert s.scalar(select(func.count()).select_from(StockEntry).where(StockEntry.ref_id == sale_id)) == 2
    assert online_stock(central, AQUA_330) == before - 2
    assert payment(central, view["order_id"]).status == "settlement"


def test_a_lost_notification_is_found_by_the_sweep_after_the_page_expires(central, quiet_standin):
    paid_cart = new_cart(central.ctx, [(AQUA_330, 1)])
    left_cart = new_cart(central.ctx, [(AQUA_600, 1)])
    paid, left = start(central, paid_cart["id"]), start(central, left_cart["id"])
    quiet_standin.ledger.pay(quiet_standin.token(paid["redirect_url"]))  # notifications lost on the way
    assert payments.sweep(central.ctx) == 0  # nothing is due yet
    central.ctx.clock = (lambda now: lambda: now)(central.ctx.clock() + timedelta(hours=1))
    assert payments.sweep(central.ctx) == 2
    assert payment(central, paid["order_id"]).status == "settlement"
    assert carts.view(central.ctx, paid_cart["id"])["status"] == "checked_out"
    assert payment(central, left["order_id"]).status == "expire"  # never opened: the page is gone
    assert carts.view(central.ctx, left_cart["id"])["status"] == "open"


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def test_the_shopper_pays_a_cart_from_the_shop_page_and_never_sees_the_key(central, standin, caplog):
    caplog.set_level(logging.DEBUG)
    shopper = requests.Session()
    seen: list[str] = []
    page = shopper.get(central.url + "/shop/", timeout=10).text
    added = shopper.post(
        central.url + "/shop/cart/add",
        data={"sku": AQUA_330, "qty": 2, "csrf_token": _csrf(page), "next": "/shop/cart"},
        timeout=10,
    )
    assert added.status_code == 200 and 'id="pay-online-button"' in added.text
    seen.append(added.text)
    to_gateway = shopper.post(
        central.url + "/shop/pay/",
        data={"csrf_token": _csrf(added.text), "mode": "pickup", "store": "TOKO-01", "customer": "Ani"},
        allow_redirects=False,
        timeout=30,
    )
    assert to_gateway.status_code == 302 and to_gateway.headers["Location"].startswith(standin.url + "/snap/v2/vtweb/")
    gateway_page = shopper.get(to_gateway.headers["Location"], timeout=10)
    assert 'data-amount="7000"' in gateway_page.text
    seen.append(gateway_page.text)
    waiting = shopper.get(central.url + "/shop/cart", timeout=10).text
    assert 'id="paying-banner"' in waiting and 'id="pay-online-button"' not in waiting
    seen.append(waiting)
    back = shopper.post(to_gateway.headers["Location"] + "/pay", data={"method": "qris"}, timeout=30)
    assert back.url.startswith(central.url + "/shop/pay/back") and 'data-status="settlement"' in back.text
    seen.append(back.text)
    paid = shopper.get(central.url + "/shop/cart", timeout=10).text
    assert 'id="paid-banner"' in paid
    seen.append(paid)
    order_id = re.search(r"order_id=([A-Z0-9-]+)", back.url).group(1)  # type: ignore[union-attr]
    payments.refund(central.ctx, payment(central, order_id).id, 3_500, "one bottle")
    seen.append(str(post_notify(central, {"order_id": order_id, "signature_key": "x"})))
    # a store's feed, the alerts and the notification log: none carries the key
    with central.ctx.db.sessions() as s:
        seen += [c.data for c in s.scalars(select(Change))]
        seen += [a.message for a in s.scalars(select(Alert))]
        seen += [n.message for n in s.scalars(select(PaymentNotification))]
    seen.append(str(central.ctx.gateway))
    seen += [r.getMessage() for r in caplog.records]
    assert len(caplog.records) > 10  # the servers' request logs were captured
    leaks = [text[:120] for text in seen if standin.key in text]
    assert leaks == []
