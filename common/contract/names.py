"""The names on the wire: event types, feed topics, tender types. Both sides use these, never bare strings."""

from __future__ import annotations

from typing import Final

from common.tenders import TENDER_TYPES as _TENDER_TYPES

# The online shop's place in the ledgers and in a member's history (central's location code for it).
ONLINE_LOCATION: Final = "ONLINE"


class EventType:
    """Outbox event types a store pushes, declared only here (type + schema_version pick the model in
    `events.EVENTS`; the store writes a type's newest version there, central applies those it has handlers for)."""

    SALE_COMPLETED: Final = "sale.completed"
    REFUND_COMPLETED: Final = "refund.completed"
    SHIFT_OPENED: Final = "shift.opened"
    SHIFT_CLOSED: Final = "shift.closed"
    CASH_MOVED: Final = "cash.moved"
    STOCK_RECEIVED: Final = "stock.received"
    STOCK_ADJUSTED: Final = "stock.adjusted"
    STOCK_COUNTED: Final = "stock.counted"
    LOYALTY_EARNED: Final = "loyalty.earned"
    LOYALTY_REVERSED: Final = "loyalty.reversed"
    LOYALTY_REDEEMED: Final = "loyalty.redeemed"
    LOYALTY_RELEASED: Final = "loyalty.released"
    CART_CHECKED_OUT: Final = "cart.checked_out"
    ONLINE_ORDER_PICKED: Final = "online_order.picked"
    ONLINE_ORDER_PACKED: Final = "online_order.packed"
    ONLINE_ORDER_HANDED_OVER: Final = "online_order.handed_over"
    ONLINE_ORDER_SHIPPED: Final = "online_order.shipped"
    ONLINE_ORDER_CANCELLED: Final = "online_order.cancelled"
    TRANSFER_REQUESTED: Final = "transfer.requested"
    TRANSFER_DECLINED: Final = "transfer.declined"
    TRANSFER_SENT: Final = "transfer.sent"
    TRANSFER_RECEIVED: Final = "transfer.received"
    DEAD_LETTER_RETRY: Final = "dead_letter.retry"
    DEAD_LETTER_DISCARD: Final = "dead_letter.discard"


class Topic:
    """Pull-feed topics central serves (the model of each is in `topics.TOPICS`)."""

    PRODUCT: Final = "product"
    TAX_GROUP: Final = "tax_group"
    CATEGORY: Final = "category"
    PROMOTION: Final = "promotion"
    STOCK: Final = "stock"
    RECONCILIATION: Final = "reconciliation"
    DEAD_LETTER: Final = "dead_letter"
    MEMBER: Final = "member"
    LOYALTY_SETTINGS: Final = "loyalty_settings"
    LOYALTY_ALLOWANCE: Final = "loyalty_allowance"
    ONLINE_CART: Final = "online_cart"
    ONLINE_ORDER: Final = "online_order"
    TRANSFER: Final = "transfer"
    STORE: Final = "store"


# The tender types a sale may carry; central refuses a sale event naming any other. "points": member points
# redeemed (issue 5); non-cash, so never more than is due and never change.
TENDER_TYPES: Final = _TENDER_TYPES  # declared once, in common/tenders.py
