"""The stock events: goods received, adjusted and counted at a store, and sent between stores on a transfer."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .wire import Id, Qty, Sku, Wire


class StockLine(Wire):
    movement_id: Id | None = None
    sku: Sku
    qty: Qty = 0
    variance: Qty | None = None  # stock.counted lines carry the variance (counted - on hand at count)


class StockMoved(Wire):
    """stock.received, stock.adjusted and stock.counted."""

    lines: list[StockLine] = Field(default_factory=list, max_length=5000)


TransferQty = Annotated[int, Field(strict=True, ge=0, le=100_000)]  # a manager's figure: 0 (none came) .. MAX_QTY


class TransferLine(Wire):
    """One line of a transfer: its id is the same at both stores and central; `movement_id` is the stock movement
    a sent or received line made at the store that wrote the event."""

    id: Id
    sku: Sku
    qty: TransferQty
    movement_id: Id | None = None


class TransferRequested(Wire):
    """A store asks another (`from_store`) to send it stock; the request becomes the transfer when accepted."""

    transfer_id: Id
    from_store: str = Field(min_length=1, max_length=32)
    to_store: str = Field(min_length=1, max_length=32)
    note: str | None = Field(None, max_length=200)
    staff_id: Id | None = None
    lines: list[TransferLine] = Field(min_length=1, max_length=500)


class TransferDeclined(Wire):
    transfer_id: Id
    note: str | None = Field(None, max_length=200)
    staff_id: Id | None = None


class TransferSent(TransferRequested):
    """Stock left the sending store for another (a new transfer, or a request accepted: the request's id)."""


class TransferReceived(Wire):
    """The receiving store counted what arrived: one line per line sent, with the quantity that came."""

    transfer_id: Id
    staff_id: Id | None = None
    lines: list[TransferLine] = Field(min_length=1, max_length=500)
