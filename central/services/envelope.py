"""A pushed event as central reads it, and what applies one: apart from `handlers`, so the modules that
apply a family of events (loyalty_events, cart_checkout) need not import the module that gathers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .context import CentralContext
from .feed import FeedChange


@dataclass(frozen=True)
class Event:
    event_id: str
    store_id: str
    device_id: str
    store_seq: int
    type: str
    schema_version: int
    payload: dict[str, Any]
    payload_hash: str


Handler = Callable[[Session, CentralContext, Event], list[FeedChange]]
