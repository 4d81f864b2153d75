"""The online shop's events at a store: a cart checked out at a till, an order picked, packed, handed over, shipped
or cancelled."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .stock_events import StockLine
from .wire import Amount, Id, Sku, Wire


class CartCheckedOut(Wire):
    """The store's sale a cart became (the event's payload, and the direct checkout call's body)."""

    cart_id: Id
    code: str = Field("", max_length=8)
    checkout_id: str = Field(min_length=1, max_length=64)
    sale_id: Id
    number: str = Field(min_length=1, max_length=48)
    till_id: str = Field("", max_length=32)
    fence: int | None = None
    confirmed: bool = True
    total: Amount = 0
    completed_at: str | None = None


class OrderPickLine(Wire):
    """One line of a paid online order as the store picked it: what was found, and a substitute for the rest."""

    sku: Sku
    qty: Annotated[int, Field(strict=True, ge=1, le=10**6)]  # ordered
    picked: Annotated[int, Field(strict=True, ge=0, le=10**6)]
    substitute_sku: Sku | None = None
    substitute_qty: Annotated[int, Field(strict=True, ge=0, le=10**6)] = 0


class OnlineOrderPicked(Wire):
    order_id: Id
    lines: list[OrderPickLine] = Field(min_length=1, max_length=500)
    staff_id: Id | None = None


class OnlineOrderPacked(Wire):
    order_id: Id
    staff_id: Id | None = None


class OnlineOrderHandedOver(Wire):
    """Pickup: handed to the shopper against the order's code; the stock movements made here, once."""

    order_id: Id
    code: str = Field(min_length=1, max_length=16)
    till_id: str = Field("", max_length=32)
    staff_id: Id | None = None
    lines: list[StockLine] = Field(min_length=1, max_length=1000)


class OnlineOrderShipped(Wire):
    """Delivery: given to the courier with its tracking number; the stock movements made here, once."""

    order_id: Id
    courier: str = Field(min_length=1, max_length=40)
    tracking: str = Field(min_length=1, max_length=64)
    staff_id: Id | None = None
    lines: list[StockLine] = Field(min_length=1, max_length=1000)


class OnlineOrderCancelled(Wire):
    """The store cannot fulfil the order: central refunds the shopper in full."""

    order_id: Id
    reason: str = Field(min_length=1, max_length=200)
    staff_id: Id | None = None
