"""One model per (event type, schema version) a store pushes. A changed model is a new version (schema.py)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from common.limits import MAX_POINTS

from .names import EventType
from .wire import Amount, Id, Points, Qty, Sku, Wire, dump, parse


class SaleLine(Wire):
    id: Id
    sku: Sku
    name: str = Field("", max_length=120)
    qty: Qty
    unit_price: Amount
    line_discount: Amount = 0
    sale_discount: Amount = 0
    net: Amount
    tax_group: str = Field(max_length=16)


class SaleTender(Wire):
    id: Id
    type: str = Field(max_length=12)
    amount: Amount


class SaleTax(Wire):
    group: str = Field(max_length=16)
    rate_bp: int = Field(strict=True, ge=0, le=10_000)
    gross: Amount
    tax: Amount


class SaleCompleted(Wire):
    sale_id: Id
    number: str = Field(min_length=1, max_length=48)
    store_id: str | None = Field(None, max_length=32)
    till_id: str = Field(max_length=16)
    member_id: Id | None = None
    shift_id: Id | None = None
    staff_id: Id | None = None
    completed_at: str | None = None
    currency: str = Field("IDR", max_length=3)
    lines: list[SaleLine] = Field(min_length=1, max_length=1000)
    tenders: list[SaleTender] = Field(default_factory=list, max_length=50)
    taxes: list[SaleTax] | None = Field(None, max_length=50)
    subtotal: Amount
    discount: Amount = 0
    tax: Amount = 0
    rounding: Amount = 0
    total: Amount
    paid: Amount
    change: Amount = 0


# An IANA time zone name as the store's config holds it (`[store] timezone`): Asia/Jakarta, Asia/Makassar, ...
ZONE_NAME = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"


class SaleCompletedV2(SaleCompleted):
    """sale.completed version 2: version 1 plus the store's time zone. `completed_at` is the store's clock in UTC;
    a chain spans WIB, WITA and WIT, so head office needs the zone to put a sale on the store's own business day."""

    timezone: str = Field(min_length=1, max_length=64, pattern=ZONE_NAME)


class SaleLineV3(SaleLine):
    """A sale line that says how it is counted (common.measure): `weight` = qty in grams and unit_price per kg, its
    gross the price x grams / 1000 rounded half up to the Rupiah; `label` = the scale label's price."""

    measure: Literal["unit", "weight", "label"] = "unit"


class SaleCompletedV3(SaleCompletedV2):
    """sale.completed version 3 (issue 16): version 2 with lines that carry their measure (weighed goods)."""

    lines: list[SaleLineV3] = Field(min_length=1, max_length=1000)  # type: ignore[assignment]  # narrower lines: pydantic's override


class RefundLine(Wire):
    id: Id
    sale_line_id: Id
    sku: Sku
    qty: Qty
    amount: Amount


class PointsBack(Wire):
    points: int = Field(strict=True, ge=0, le=10**12)
    value: Amount


class RefundCompleted(Wire):
    id: Id
    number: str = Field(min_length=1, max_length=48)
    store_id: str | None = Field(None, max_length=32)
    sale_id: Id
    till_id: str = Field(max_length=16)
    tender_type: str = Field("cash", max_length=12)
    amount: Amount
    rounding: Amount = 0
    points_back: PointsBack | None = None
    reason: str | None = Field(None, max_length=200)
    created_at: str | None = None
    lines: list[RefundLine] = Field(min_length=1, max_length=1000)


class ShiftOpened(Wire):
    shift_id: Id
    till_id: str = Field(max_length=16)
    opening_float: Amount


class ShiftClosed(Wire):
    shift_id: Id
    till_id: str = Field(max_length=16)
    opening_float: Amount
    expected_cash: Amount | None = None
    counted_cash: Amount | None = None
    variance: Amount | None = None


class StockLine(Wire):
    movement_id: Id | None = None
    sku: Sku
    qty: Qty = 0
    variance: Qty | None = None  # stock.counted lines carry the variance (counted - on hand at count)


class StockMoved(Wire):
    """stock.received, stock.adjusted and stock.counted."""

    lines: list[StockLine] = Field(default_factory=list, max_length=5000)


class PointsEarned(Wire):
    entry_id: Id
    member_id: Id
    sale_id: Id
    points: Points
    basis: int = 0


class PointsReversed(Wire):
    member_id: Id
    sale_id: Id
    refund_id: Id
    entry_id: Id | None = None  # the earn reversal (points taken back)
    points: Points = 0
    restore_entry_id: Id | None = None  # redeemed points given back
    restored: Points = 0


class PointsRedeemed(Wire):
    entry_id: Id
    member_id: Id
    sale_id: Id
    points: Annotated[int, Field(strict=True, ge=1, le=MAX_POINTS)]
    mode: Literal["online", "offline"]
    hold_id: Id | None = None
    allowance_id: Id | None = None
    at: str | None = None


class HoldReleased(Wire):
    hold_id: Id


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


class TransferSent(Wire):
    """Stock left the sending store for another (a new transfer, or a request accepted: the request's id)."""

    transfer_id: Id
    from_store: str = Field(min_length=1, max_length=32)
    to_store: str = Field(min_length=1, max_length=32)
    note: str | None = Field(None, max_length=200)
    staff_id: Id | None = None
    lines: list[TransferLine] = Field(min_length=1, max_length=500)


class TransferReceived(Wire):
    """The receiving store counted what arrived: one line per line sent, with the quantity that came."""

    transfer_id: Id
    staff_id: Id | None = None
    lines: list[TransferLine] = Field(min_length=1, max_length=500)


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
    (EventType.SALE_COMPLETED, 3): SaleCompletedV3,
    (EventType.REFUND_COMPLETED, 1): RefundCompleted,
    (EventType.SHIFT_OPENED, 1): ShiftOpened,
    (EventType.SHIFT_CLOSED, 1): ShiftClosed,
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
