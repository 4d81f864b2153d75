"""The stand-in gateway beside a test's central store: both real HTTP servers on 127.0.0.1, sharing one key."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from sqlalchemy import select
from synckit import CentralHarness, start_server

from central.gateways import build_gateway
from central.services import carts, payments, stores
from central.services.stores import ONLINE
from central.standin.app import create_standin_app, post_notification
from central.standin.ledger import Ledger
from central.tables import Alert, Payment, StockLevel

AQUA_330, AQUA_600 = "SKU-00001", "SKU-00002"  # Rp 3.500 and Rp 4.500 in the demo catalog


def new_cart(ctx: Any, items: list[tuple[str, int]]) -> dict[str, Any]:
    view: dict[str, Any] | None = None
    for sku, qty in items:
        view = carts.add_item(ctx, view["id"] if view else None, sku, qty)
    assert view is not None
    return view


@dataclass
class Standin:
    url: str
    ledger: Ledger
    key: str
    hold: list[dict[str, Any]]  # notifications kept back (deliver=False), in order

    def token(self, redirect_url: str) -> str:
        return redirect_url.rsplit("/", 1)[1]

    def press(self, redirect_url: str, action: str, method: str = "qris") -> requests.Response:
        """The shopper's button on the gateway page: Pay, Cancel, or Let it expire."""
        page = requests.get(redirect_url, timeout=10)
        assert page.status_code == 200, page.text
        return requests.post(f"{redirect_url}/{action}", data={"method": method}, allow_redirects=False, timeout=30)


def standin_for(central: CentralHarness, deliver: bool = True) -> Iterator[Standin]:
    key = "SB-Mid-server-" + uuid.uuid4().hex
    cfg = central.ctx.config.payments
    hold: list[dict[str, Any]] = []
    send: Callable[[dict[str, Any]], None] = (
        post_notification(central.url + "/api/v1/payments/notify") if deliver else hold.append
    )
    ledger = Ledger(key, send, clock=central.ctx.clock)
    server, thread, base = start_server(create_standin_app(ledger))
    cfg.server_key, cfg.base_url, cfg.gateway = key, base, "standin"
    central.ctx.gateway = build_gateway(cfg)
    yield Standin(base, ledger, key, hold)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def standin(central: CentralHarness) -> Iterator[Standin]:
    yield from standin_for(central)


def post_notify(central: CentralHarness, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    r = requests.post(central.url + "/api/v1/payments/notify", json=body, timeout=30)
    assert r.status_code < 500, r.text
    return r.status_code, r.json()


def payment(central: CentralHarness, order_id: str) -> Payment:
    with central.ctx.db.sessions() as s:
        p = s.scalar(select(Payment).where(Payment.order_id == order_id))
        assert p is not None
        s.expunge(p)
        return p


def alerts(central: CentralHarness, kind: str) -> list[str]:
    with central.ctx.db.sessions() as s:
        return list(s.scalars(select(Alert.message).where(Alert.kind == kind)))


def online_stock(central: CentralHarness, sku: str) -> int:
    with central.ctx.db.sessions() as s:
        return int(
            s.scalar(select(StockLevel.on_hand).where(StockLevel.location == ONLINE, StockLevel.sku == sku)) or 0
        )


def start(central: CentralHarness, cart_id: str) -> dict[str, Any]:
    return payments.start(central.ctx, cart_id, central.url + "/shop/pay/back")


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


@pytest.fixture
def admin(central: CentralHarness) -> Any:
    """The central admin signed in (a Flask test client)."""
    stores.set_admin(central.ctx, "admin", "rahasia-1234")
    client = central.extra["app"].test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    client.post("/admin/login", data={"username": "admin", "password": "rahasia-1234", "csrf_token": csrf(page)})
    return client


def text_of(page: str) -> str:
    """A page's words as a person reads them (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


class Shopper:
    """One phone's session in the shop: its cookie, the CSRF token of the last page."""

    def __init__(self, url: str, lang: str = "id") -> None:
        self.url, self.s, self.csrf = url, requests.Session(), ""
        self.get(f"/shop/?lang={lang}")

    def _keep(self, r: requests.Response) -> requests.Response:
        if m := re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', r.text):
            self.csrf = m.group(1)
        return r

    def get(self, path: str) -> requests.Response:
        return self._keep(self.s.get(self.url + path, timeout=10))

    def post(self, path: str, **form: Any) -> requests.Response:
        return self._keep(self.s.post(self.url + path, data={"csrf_token": self.csrf, **form}, timeout=30))

    def pay(self, **choice: str) -> requests.Response:
        """Pay online from the cart page with this choice; the answer after any redirect within the shop."""
        self.get("/shop/cart")
        return self._keep(self.s.post(self.url + "/shop/pay/", data={"csrf_token": self.csrf, **choice}, timeout=30))

    def pay_pickup(self, customer: str = "Ani") -> requests.Response:
        """Pay the cart online to collect at TOKO-01, and press Pay on the gateway's page: the shop's return page."""
        to_gateway = self.s.post(
            self.url + "/shop/pay/",
            data={"csrf_token": self.csrf, "mode": "pickup", "store": "TOKO-01", "customer": customer},
            allow_redirects=False,
            timeout=30,
        )
        assert to_gateway.status_code == 302, to_gateway.text
        return self._keep(self.s.post(to_gateway.headers["Location"] + "/pay", data={"method": "qris"}, timeout=30))
