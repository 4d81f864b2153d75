"""The event types (and schema versions) the central store applies, declared once; handlers.py maps each to
its handler and a push of any other pair is dead-lettered."""

from __future__ import annotations

EVENT_TYPES: frozenset[tuple[str, int]] = frozenset(
    {
        ("sale.completed", 1),
        ("refund.completed", 1),
        ("shift.opened", 1),
        ("shift.closed", 1),
        ("stock.received", 1),
        ("stock.adjusted", 1),
        ("stock.counted", 1),
        ("loyalty.earned", 1),
        ("loyalty.reversed", 1),
        ("loyalty.redeemed", 1),
        ("loyalty.released", 1),
        ("cart.checked_out", 1),
    }
)
KNOWN_TYPES: list[str] = sorted({t for t, _ in EVENT_TYPES})
