"""What the central store holds of a store, for `omnitoko store restore` (the store's own token)."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, Field

from central.services.recovery import recovery as recovery_service
from common.contract.cash_events import CashMovedV2
from common.contract.sale_events import RefundCompleted, SaleCompleted, SaleLineV3

from .schemas import ErrorOut
from .sync_api import BEARER, ctx, store_of_token

api = APIBlueprint("recovery_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="sync")])


class RecoveryQuery(BaseModel):
    after_seq: int = Field(0, ge=0, le=2**53, description="the highest store_seq in the store's backup")


class RecoveryCashMove(CashMovedV2):
    store_id: str


class RecoverySaleLine(SaleLineV3):
    refunded_qty: int = Field(0, description="what central's refunds of this line took back")


class RecoveryPoints(BaseModel):
    id: str
    member_id: str
    kind: str = Field(description="earn (of a sale) or reverse (of a refund; negative: earned points taken back)")
    points: int
    event_id: str | None


class RecoverySale(SaleCompleted):
    store_id: str  # always said here
    lines: list[RecoverySaleLine]  # type: ignore[assignment]  # narrower lines: pydantic's override
    timezone: str | None = None
    shift_opening_float: int | None = Field(None, description="the opening float of the sale's shift at central")
    discount_approved_by: str | None = Field(
        None, description="the manager who approved its cashier discounts (version 5; None: not said)"
    )
    points: list[RecoveryPoints] = Field(default_factory=list, description="the points entries central booked for it")


class RecoveryRefund(RefundCompleted):
    store_id: str  # always said here
    staff_id: str | None = Field(None, description="the cashier who made it, as the till said (None: not kept)")
    approved_by: str | None = Field(None, description="the manager who approved it, as the till said (None: not kept)")
    shift_id: str | None = Field(None, description="its shift as central knows it (None: central has none)")
    points: list[RecoveryPoints] = Field(default_factory=list, description="the points entries central booked for it")


class RecoveryRefundedLine(BaseModel):
    sale_id: str
    line_id: str
    qty: int


class RecoveryShift(BaseModel):
    shift_id: str
    store_id: str
    till_id: str
    opening_float: int
    expected_cash: int | None
    counted_cash: int | None
    variance: int | None
    report: dict[str, Any] | None = Field(description="its Z as the till's shift.closed said it (None: not kept)")


class RecoveryOut(BaseModel):
    store_id: str
    epoch: str
    store_seq: int = Field(description="central's high-water mark: the store's next event must be above it")
    after_seq: int
    events_after: dict[str, int] = Field(description="events central holds above after_seq, by type")
    sales_after: int
    sales_total_after: int
    refunds_after: int
    receipt_numbers_after: list[str]
    receipt_seq: dict[str, int] = Field(description="per till, the highest receipt sequence central has seen")
    stock_after: dict[str, int] = Field(description="net quantity per SKU those events moved at the store")
    cash_moves_after: list[RecoveryCashMove] = Field(
        default_factory=list,
        description="the cash moves (pay-outs, drops, pay-ins) those events brought, oldest first; a store older than "
        "this field ignores it",
    )
    sales_completed_after: list[RecoverySale] = Field(
        default_factory=list,
        description="the sales those events brought, in store_seq order, 1,000 at most (sales_completed_next asks "
        "for the rest); a store older than this field ignores it",
    )
    sales_completed_next: int | None = Field(
        None, description="the after_seq that asks for the next sales (None: sales_completed_after holds them all)"
    )
    refunds_completed_after: list[RecoveryRefund] = Field(
        default_factory=list,
        description="the refunds those events brought, in store_seq order, 5,000 at most; a store older than this "
        "field ignores it",
    )
    refunds_completed_more: bool = Field(False, description="central holds more refunds than refunds_completed_after")
    refunded_lines: list[RecoveryRefundedLine] = Field(
        default_factory=list,
        description="of each sale refunded after the backup, per line, the quantity all central's refunds took back",
    )
    shifts_closed_after: list[RecoveryShift] = Field(
        default_factory=list,
        description="the shifts those events closed (their Z taken at the till), in the order they were closed, 500 "
        "at most; a store older than this field ignores it",
    )
    shifts_closed_more: bool = Field(False, description="central holds more such shifts than shifts_closed_after")


@api.get(
    "/sync/recovery",
    summary="For a store restoring a backup: central's high-water marks and what it holds after the backup",
    security=BEARER,
    responses={200: RecoveryOut, 401: ErrorOut},
)
def recovery(query: RecoveryQuery) -> dict[str, Any]:
    return recovery_service(ctx(), store_of_token(), query.after_seq)
