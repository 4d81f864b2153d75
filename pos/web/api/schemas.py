"""Request and response shapes of the store's JSON API; the OpenAPI document is generated from them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from common.limits import MAX_AMOUNT
from common.measure import MAX_GRAMS
from common.tenders import DIRECT_TENDERS
from pos.domain.cash_moves import NOTE_MAX, REASONS

Rupiah = Annotated[
    int, Field(strict=True, ge=0, le=MAX_AMOUNT, description="whole minor units (Rupiah), never a float")
]
Qty = Annotated[int, Field(strict=True, ge=1, le=9999)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


class Approval(Body):
    staff_code: str = Field(min_length=1, max_length=16)
    pin: str = Field(min_length=1, max_length=16)


class SessionIn(Body):
    staff_code: str = Field(min_length=1, max_length=16)
    pin: str = Field(min_length=1, max_length=16)
    till_id: str | None = Field(None, max_length=16)


class ProductQuery(BaseModel):
    barcode: str | None = Field(None, max_length=32)
    sku: str | None = Field(None, max_length=32)
    q: str | None = Field(None, max_length=80)
    limit: int = Field(20, ge=1, le=50)


class ShiftIn(Body):
    opening_float: Rupiah


class CloseShiftIn(Body):
    counted_cash: Rupiah


class CashMoveIn(Body):
    """A pay-out, drop to the safe or pay-in at the till (between sales); cash out needs a manager's approval."""

    id: UUID | None = Field(
        None, description="the till's own id for this act: sent again on a retry, it is recorded once"
    )
    reason: Literal[tuple(REASONS)] = Field(  # type: ignore[valid-type]  # built from the domain's reasons
        description="safe_drop, store_expense, other_out: cash out; more_change, other_in: cash in"
    )
    amount: Annotated[int, Field(strict=True, description="whole Rupiah, more than 0; cash out: at most the drawer")]
    note: str = Field("", max_length=NOTE_MAX, description="what it is for; needed for other_out and other_in")
    approval: Approval | None = None


class SalePath(BaseModel):
    sale_id: str = Field(max_length=48)


class LinePath(SalePath):
    line_id: str = Field(max_length=36)


class TenderPath(SalePath):
    tender_id: str = Field(max_length=36)


class LineIn(Body):
    barcode: str | None = Field(None, min_length=1, max_length=32)
    sku: str | None = Field(None, min_length=1, max_length=32)
    qty: Qty = 1
    weight: str | None = Field(
        None, min_length=1, max_length=16, description="a weighed item's weight as typed: kg (1,25) or grams (1250)"
    )


class QtyIn(Body):
    qty: Qty


class DiscountIn(Body):
    kind: Literal["amount", "percent"]
    value: Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=16, decimal_places=2)]
    line_id: str | None = Field(None, max_length=36)
    approval: Approval | None = None


class VoidIn(Body):
    approval: Approval | None = None
    reason: str | None = Field(None, max_length=200)


# From the tender registry; a Literal keeps the OpenAPI enum and the 400 naming the allowed types.
DirectTender = Literal[DIRECT_TENDERS]  # type: ignore[valid-type]  # built from the registry at import


class TenderIn(Body):
    type: DirectTender
    amount: Annotated[int, Field(strict=True, ge=1, le=MAX_AMOUNT)]
    reference: str | None = Field(None, max_length=64)


class RefundLineIn(Body):
    line_id: str = Field(max_length=36)
    qty: Annotated[
        int, Field(strict=True, ge=1, le=MAX_GRAMS, description="units; grams for a weighed line (1250 = 1,250 kg)")
    ]


class RefundIn(Body):
    sale_number: str = Field(min_length=1, max_length=48)
    lines: list[RefundLineIn] = Field(min_length=1, max_length=200)
    approval: Approval | None = None
    tender_type: DirectTender | None = Field(
        None, description="what the money goes back in; default: the sale's dynamic QRIS (to the gateway), else cash"
    )
    reason: str | None = Field(None, max_length=200)


class SkuPath(BaseModel):
    sku: str = Field(max_length=32)
