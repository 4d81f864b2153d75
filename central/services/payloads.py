"""The events stores send, as pydantic models per (type, schema_version); a bad payload is a Rejection."""
from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from common.limits import INT64_MAX, INT64_MIN
from common.refusals import REFUSALS

Id = Annotated[str, Field(min_length=1, max_length=36)]
Sku = Annotated[str, Field(min_length=1, max_length=32)]
# Any 64-bit figure parses; the checks (sale_checks) refuse what is past MAX_AMOUNT by name, and flag the store.
Amount = Annotated[int, Field(strict=True, ge=INT64_MIN, le=INT64_MAX)]
Qty = Annotated[int, Field(strict=True, ge=-(10**6), le=10**6)]


class Rejection(Exception):
    """A business rule refused the event: answered for that event and dead-lettered; the batch goes on."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


REFUSED_ALERT = "event_refused"  # the alert each refusal raises; the admin page counts them per store


class Refused(Rejection):
    """The event claims what does not hold (forged or inconsistent): dead-lettered, alerted, the store flagged."""

    def __init__(self, code: str, message: str) -> None:
        assert code in REFUSALS, code  # the store reads the code: one list on both sides
        super().__init__(code, message)


class _In(BaseModel):
    # Later store versions may add fields: ignore them rather than dead-letter the event.
    model_config = ConfigDict(extra="ignore")


class SaleLineIn(_In):
    id: Id
    sku: Sku
    name: str = Field("", max_length=120)
    qty: Qty
    unit_price: Amount
    line_discount: Amount = 0
    sale_discount: Amount = 0
    net: Amount
    tax_group: str = Field(max_length=16)


class TenderIn(_In):
    id: Id
    type: str = Field(max_length=12)
    amount: Amount


class TaxIn(_In):
    group: str = Field(max_length=16)
    rate_bp: int = Field(strict=True, ge=0, le=10_000)
    gross: Amount
    tax: Amount


class SaleIn(_In):
    sale_id: Id
    number: str = Field(min_length=1, max_length=48)
    store_id: str | None = Field(None, max_length=32)
    till_id: str = Field(max_length=16)
    member_id: Id | None = None
    shift_id: Id | None = None
    staff_id: Id | None = None
    completed_at: str | None = None
    currency: str = Field("IDR", max_length=3)
    lines: list[SaleLineIn] = Field(min_length=1, max_length=1000)
    tenders: list[TenderIn] = Field(default_factory=list, max_length=50)
    taxes: list[TaxIn] | None = Field(None, max_length=50)
    subtotal: Amount
    discount: Amount = 0
    tax: Amount = 0
    rounding: Amount = 0
    total: Amount
    paid: Amount
    change: Amount = 0


class RefundLineIn(_In):
    id: Id
    sale_line_id: Id
    sku: Sku
    qty: Qty
    amount: Amount


class PointsBackIn(_In):
    points: int = Field(strict=True, ge=0, le=10**12)
    value: Amount


class RefundIn(_In):
    id: Id
    number: str = Field(min_length=1, max_length=48)
    store_id: str | None = Field(None, max_length=32)
    sale_id: Id
    till_id: str = Field(max_length=16)
    tender_type: str = Field("cash", max_length=12)
    amount: Amount
    rounding: Amount = 0
    points_back: PointsBackIn | None = None
    reason: str | None = Field(None, max_length=200)
    created_at: str | None = None
    lines: list[RefundLineIn] = Field(min_length=1, max_length=1000)


class ShiftOpenedIn(_In):
    shift_id: Id
    till_id: str = Field(max_length=16)
    opening_float: Amount


class ShiftClosedIn(_In):
    shift_id: Id
    till_id: str = Field(max_length=16)
    opening_float: Amount
    expected_cash: Amount | None = None
    counted_cash: Amount | None = None
    variance: Amount | None = None


class StockLineIn(_In):
    movement_id: Id | None = None
    sku: Sku
    qty: Qty = 0
    variance: Qty | None = None  # stock.counted lines carry the variance (counted - on hand at count)


class StockIn(_In):
    lines: list[StockLineIn] = Field(default_factory=list, max_length=5000)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], payload: dict[str, Any]) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        first = e.errors(include_url=False, include_input=False)[:3]
        detail = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'payload'}: {err['msg']}" for err in first)
        raise Rejection("bad_payload", f"the event's payload is not valid: {detail}") from e
