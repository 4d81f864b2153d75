"""The registry of event models: (event type, schema version) -> the model a store builds and central parses with.
The models live by family in sale_events, cash_events, loyalty_events, stock_events and online_events; a manager's action on a
dead letter, which belongs to none, is here. A changed model is a new version (schema.py)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .cash_events import CashMoved, CashMovedV2
from .loyalty_events import HoldReleased, PointsEarned, PointsRedeemed, PointsReversed
from .names import EventType
from .online_events import (
    CartCheckedOut,
    OnlineOrderCancelled,
    OnlineOrderHandedOver,
    OnlineOrderPacked,
    OnlineOrderPicked,
    OnlineOrderShipped,
)
from .sale_events import (
    RefundCompleted,
    RefundCompletedV2,
    SaleCompleted,
    SaleCompletedV2,
    SaleCompletedV3,
    SaleCompletedV4,
    SaleCompletedV5,
    ShiftClosed,
    ShiftOpened,
)
from .stock_events import StockMoved, TransferDeclined, TransferReceived, TransferRequested, TransferSent
from .wire import Id, Wire, dump, parse


class DeadLetterAction(Wire):
    """A manager's retry or discard of a dead-lettered event, asked of central."""

    event_id: Id
    store_id: str | None = Field(None, max_length=32)
    staff_id: Id | None = None
    note: str | None = Field(None, max_length=200)


# (type, schema_version) -> model. The store builds with it, central parses with it.
EVENTS: dict[tuple[str, int], type[Wire]] = {
    (EventType.SALE_COMPLETED, 1): SaleCompleted,  # stores before issue 19 (central reads it while they remain)
    (EventType.SALE_COMPLETED, 2): SaleCompletedV2,  # stores before issue 16 (weighed goods)
    (EventType.SALE_COMPLETED, 3): SaleCompletedV3,  # stores before the promotion checks
    (EventType.SALE_COMPLETED, 4): SaleCompletedV4,  # each line names the promotion behind its discount
    (EventType.SALE_COMPLETED, 5): SaleCompletedV5,  # the manager who approved the cashier's discounts
    (EventType.REFUND_COMPLETED, 1): RefundCompleted,  # stores before refunds named their shift
    (EventType.REFUND_COMPLETED, 2): RefundCompletedV2,  # its cashier, approving manager and shift, checked as ids
    (EventType.SHIFT_OPENED, 1): ShiftOpened,
    (EventType.SHIFT_CLOSED, 1): ShiftClosed,
    (EventType.CASH_MOVED, 1): CashMoved,  # the first stores that sent moves: no names
    (EventType.CASH_MOVED, 2): CashMovedV2,
    (EventType.STOCK_RECEIVED, 1): StockMoved,
    (EventType.STOCK_ADJUSTED, 1): StockMoved,
    (EventType.STOCK_COUNTED, 1): StockMoved,
    (EventType.LOYALTY_EARNED, 1): PointsEarned,
    (EventType.LOYALTY_REVERSED, 1): PointsReversed,
    (EventType.LOYALTY_REDEEMED, 1): PointsRedeemed,
    (EventType.LOYALTY_RELEASED, 1): HoldReleased,
    (EventType.CART_CHECKED_OUT, 1): CartCheckedOut,
    (EventType.ONLINE_ORDER_PICKED, 1): OnlineOrderPicked,
    (EventType.ONLINE_ORDER_PACKED, 1): OnlineOrderPacked,
    (EventType.ONLINE_ORDER_HANDED_OVER, 1): OnlineOrderHandedOver,
    (EventType.ONLINE_ORDER_SHIPPED, 1): OnlineOrderShipped,
    (EventType.ONLINE_ORDER_CANCELLED, 1): OnlineOrderCancelled,
    (EventType.TRANSFER_REQUESTED, 1): TransferRequested,
    (EventType.TRANSFER_DECLINED, 1): TransferDeclined,
    (EventType.TRANSFER_SENT, 1): TransferSent,
    (EventType.TRANSFER_RECEIVED, 1): TransferReceived,
    (EventType.DEAD_LETTER_RETRY, 1): DeadLetterAction,
    (EventType.DEAD_LETTER_DISCARD, 1): DeadLetterAction,
}


# The version a store writes of each type: the newest model the contract has for it. Adding (type, n + 1) above
# switches every store to it, so central's handler for it lands in the same change (tests/unit/test_registries.py).
_WRITTEN: dict[str, int] = {}
for _type, _version in EVENTS:
    _WRITTEN[_type] = max(_version, _WRITTEN.get(_type, 0))


def written_version(type_: str) -> int:
    """The schema version a store writes for `type_`; KeyError names a type the contract does not declare."""
    try:
        return _WRITTEN[type_]
    except KeyError:
        raise KeyError(
            f"event type {type_!r} is not declared in common/contract (names.EventType, events.EVENTS)"
        ) from None


def build_event(type_: str, schema_version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload checked against its model, as it goes on the wire; a missing or wrong field raises BadPayload."""
    model = EVENTS.get((type_, schema_version))
    if model is None:
        raise KeyError(f"no contract model for event {type_} version {schema_version}")
    return dump(parse(model, payload))


def checked_event(type_: str, schema_version: int, payload: dict[str, Any]) -> dict[str, Any]:
    """`build_event` without building the payload a second time: checked against its model (BadPayload as there)
    and returned as given. The store writes its own events from plain str/int/None/list/dict values, which the models
    take as they are (no validators, extras kept, only the keys given), so the canonical bytes are `build_event`'s
    (tests/service/test_write_path.py holds the events of a till's sales, refunds and voids to that)."""
    model = EVENTS.get((type_, schema_version))
    if model is None:
        raise KeyError(f"no contract model for event {type_} version {schema_version}")
    parse(model, payload)
    return payload
