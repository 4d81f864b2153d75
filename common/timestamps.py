"""Reading a timestamp another process wrote (a store's clock, central's feed): ISO 8601, kept naive UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def parse_time(text: Any) -> datetime | None:
    """The time in `text`, or None when there is none or it cannot be read (shown or compared, never refused)."""
    try:
        return datetime.fromisoformat(str(text)).replace(tzinfo=None) if text else None
    except ValueError:
        return None
