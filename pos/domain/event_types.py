"""The event types the store sends the central store, each with the schema version it writes, declared once.

The outbox writer refuses a type not listed here; central declares the same list (central/services/event_types.py)
with its handlers, and a test holds the two equal until both read one shared contract.
"""

from __future__ import annotations

EVENT_TYPES: dict[str, int] = {
    "sale.completed": 1,
    "refund.completed": 1,
    "shift.opened": 1,
    "shift.closed": 1,
    "stock.received": 1,
    "stock.adjusted": 1,
    "stock.counted": 1,
    "loyalty.earned": 1,
    "loyalty.reversed": 1,
    "loyalty.redeemed": 1,
    "loyalty.released": 1,
    "cart.checked_out": 1,
    # A manager's retry or discard of a dead letter (the manager's sync page). Central has no handler for these
    # yet and dead-letters them as unknown_event_type; kept as they were (NOT_HANDLED_AT_CENTRAL).
    "dead_letter.retry": 1,
    "dead_letter.discard": 1,
}
NOT_HANDLED_AT_CENTRAL = frozenset({"dead_letter.retry", "dead_letter.discard"})


def version_of(type_: str) -> int:
    """The schema version the store writes for `type_`; KeyError names a type nobody declared."""
    try:
        return EVENT_TYPES[type_]
    except KeyError:
        raise KeyError(f"event type {type_!r} is not declared in pos/domain/event_types.py") from None
