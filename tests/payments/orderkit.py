"""Paid online orders for the fulfilment tests: paid through the stand-in (real HTTP), pulled by the store's agent,
stepped at the store, pushed back; and the figures a test compares (both ledgers, the gateway's refunds)."""

from __future__ import annotations

from typing import Any

from paykit import Standin, new_cart
from sqlalchemy import func, select
from synckit import CentralHarness, sync_until_clean

from central.services import payments
from central.services.fulfilment import Choice
from central.tables import OnlineOrder, OrderRefund, PaymentRefund, StockEntry, StockLevel
from pos.adapters.tables import StockMovement
from pos.services.context import StoreContext

STORE = "TOKO-01"
LE_MINERALE_600, AQUA_1500 = "SKU-00005", "SKU-00003"  # Rp 4.000 and Rp 7.000
BARCODE = {
    "SKU-00001": "8990000100010",
    "SKU-00002": "8990000100027",
    "SKU-00005": "8990000100058",
    "SKU-00003": "8990000100034",
}


def pay_order(
    central: CentralHarness, standin: Standin, items: list[tuple[str, int]], mode: str = "pickup", **choice: Any
) -> dict[str, Any]:
    """A cart paid online for pickup at TOKO-01 (or delivery): the payment's view and the order's id and code."""
    cart = new_cart(central.ctx, items)
    c = Choice(mode, choice.pop("store", STORE if mode == "pickup" else None), **choice)
    view = payments.start(central.ctx, cart["id"], central.url + "/shop/pay/back", c)
    standin.press(view["redirect_url"], "pay", "qris")
    order = central_order(central, view["order_id"])
    return {**view, "order": order.id, "code": order.code, "cart_id": cart["id"]}


def central_order(central: CentralHarness, number: str) -> OnlineOrder:
    with central.ctx.db.sessions() as s:
        o = s.scalar(select(OnlineOrder).where(OnlineOrder.number == number))
        assert o is not None
        s.expunge(o)
        return o


def order_refunds(central: CentralHarness, order_id: str) -> list[OrderRefund]:
    with central.ctx.db.sessions() as s:
        rows = list(s.scalars(select(OrderRefund).where(OrderRefund.order_id == order_id)))
        for r in rows:
            s.expunge(r)
        return rows


def payment_refunds(central: CentralHarness, key: str) -> list[PaymentRefund]:
    with central.ctx.db.sessions() as s:
        return list(s.scalars(select(PaymentRefund).where(PaymentRefund.refund_key == key)))


def central_on_hand(central: CentralHarness, sku: str, location: str = STORE) -> int:
    with central.ctx.db.sessions() as s:
        level = s.scalar(select(StockLevel.on_hand).where(StockLevel.location == location, StockLevel.sku == sku))
        return int(level or 0)


def central_order_moves(central: CentralHarness, number: str) -> list[tuple[str, int]]:
    with central.ctx.db.sessions() as s:
        rows = s.execute(
            select(StockEntry.sku, StockEntry.qty).where(StockEntry.kind == "online_order", StockEntry.ref_id == number)
        )
        return sorted((sku, int(q)) for sku, q in rows)


def store_order_moves(store: StoreContext, order_id: str) -> list[tuple[str, int]]:
    with store.db.sessions() as s:
        rows = s.execute(
            select(StockMovement.sku, StockMovement.qty).where(
                StockMovement.kind == "online_order", StockMovement.ref_id == order_id
            )
        )
        return sorted((sku, int(q)) for sku, q in rows)


def store_on_hand(store: StoreContext, sku: str) -> int:
    with store.db.sessions() as s:
        return int(s.scalar(select(func.sum(StockMovement.qty)).where(StockMovement.sku == sku)) or 0)


def sync(agent: Any) -> Any:
    return sync_until_clean(agent)
