"""The loyalty events a till writes: points earned on a sale, taken or given back on a refund, redeemed, a hold
released."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from common.limits import MAX_POINTS

from .wire import Id, Points, Wire


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
