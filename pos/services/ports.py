"""Small ports between services and storage: what a service needs from storage, so a test can hand it a fake.

The database implementations sit beside the writes they wrap (records.SqlOutbox, loyalty_facts.SqlPointsLedger).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class Outbox(Protocol):
    """Events for the central store, written with the fact that caused them (transactional outbox)."""

    def emit(self, type_: str, payload: dict[str, Any], device_id: str) -> str:
        """Record one event; returns its event_id."""
        ...


@dataclass(frozen=True)
class PointsEntry:
    id: str
    member_id: str
    kind: str  # earn | redeem | reverse
    points: int  # signed: what the entry adds to the member's balance
    event_id: str
    sale_id: str
    refund_id: str | None = None


class PointsLedger(Protocol):
    def add(self, entry: PointsEntry) -> None: ...
