"""`make demo`'s online order: a shopper's cart paid online through the stand-in gateway for pickup at TOKO-01,
picked and packed at the store once its agent has pulled it, so the cashier can hand it over at the till."""

from __future__ import annotations

import time
from pathlib import Path

import requests
from sqlalchemy import select

from central.bootstrap import central_context
from central.config import load_central_config
from central.services import carts, payments
from central.services.fulfilment import Choice
from central.tables import OnlineOrder
from common.fulfilment import qr_payload
from pos import bootstrap
from pos.adapters.config import load_config
from pos.services import manager_access, online_order_views, online_orders

ITEMS = [("SKU-00001", 2), ("SKU-00002", 1)]  # Aqua 330ml x 2, Aqua 600ml
WAIT_SECONDS = 60


def _up(url: str, until: float) -> None:
    while time.monotonic() < until:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer")


def place(central_config: Path, store_config: Path, central_port: int, gateway_port: int) -> str:
    """Pay, let the store pick and pack it; the line the demo prints (the order and how to collect it)."""
    until = time.monotonic() + WAIT_SECONDS
    _up(f"http://127.0.0.1:{central_port}/api/v1/health", until)
    _up(f"http://127.0.0.1:{gateway_port}/", until)
    ctx = central_context(load_central_config(central_config))
    view = None
    for sku, qty in ITEMS:
        view = carts.add_item(ctx, view["id"] if view else None, sku, qty)
    assert view is not None
    back = f"http://127.0.0.1:{central_port}/shop/pay/back"
    paid = payments.start(ctx, view["id"], back, Choice("pickup", "TOKO-01", "Ani (demo)"))
    redirect = str(paid["redirect_url"])
    requests.get(redirect, timeout=10)
    requests.post(f"{redirect}/pay", data={"method": "qris"}, allow_redirects=False, timeout=30)
    number = str(paid["order_id"])
    with ctx.db.sessions() as s:
        code = s.scalar(select(OnlineOrder.code).where(OnlineOrder.number == number)) or ""
    ctx.db.dispose()
    store = bootstrap.store_context(load_config(store_config), steps=())
    try:
        manager = manager_access.sign_in_manager(store, "9001", "4321")[1]
        order = None
        while order is None and time.monotonic() < until:  # the sync agent pulls it within a few seconds
            order = next((o for o in online_order_views.orders(store) if o["number"] == number), None)
            time.sleep(0.5)
        if order is None:
            return f"Online order:   {number} paid (stand-in); not at the store yet: pick it on /manager/orders"
        for line in order["lines"]:
            online_orders.scan(store, manager, order["id"], line["sku"], int(line["qty"]))
        online_orders.finish_pick(store, manager, order["id"])
        online_orders.pack(store, manager, order["id"])
    finally:
        store.db.dispose()
    return (
        f"Online order:   {number} paid online (stand-in), packed at TOKO-01: at the till scan {qr_payload(code)} "
        f"or type {code}"
    )
