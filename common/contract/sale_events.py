"""The till's events: one model per version of a sale (2 adds the store's time zone, 3 weighed goods, 4 the promotion
behind a line's discount, 5 the manager who approved the cashier's discounts), a refund, a shift opened and closed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.limits import MAX_AMOUNT

from .wire import Amount, Id, Qty, Sku, Wire


class SaleLine(Wire):
    id: Id
    sku: Sku
    name: str = Field("", max_length=120)
    qty: Qty
    unit_price: Amount
    line_discount: Amount = 0
    sale_discount: Amount = 0
    net: Amount
    tax_group: str = Field(max_length=16)


class SaleTender(Wire):
    id: Id
    type: str = Field(max_length=12)
    amount: Amount


class SaleTax(Wire):
    group: str = Field(max_length=16)
    rate_bp: int = Field(strict=True, ge=0, le=10_000)
    gross: Amount
    tax: Amount


class SaleCompleted(Wire):
    sale_id: Id
    number: str = Field(min_length=1, max_length=48)
    store_id: str | None = Field(None, max_length=32)
    till_id: str = Field(max_length=16)
    member_id: Id | None = None
    shift_id: Id | None = None
    staff_id: Id | None = None
    completed_at: str | None = None
    currency: str = Field("IDR", max_length=3)
    lines: list[SaleLine] = Field(min_length=1, max_length=1000)
    tenders: list[SaleTender] = Field(default_factory=list, max_length=50)
    taxes: list[SaleTax] | None = Field(None, max_length=50)
    subtotal: Amount
    discount: Amount = 0
    tax: Amount = 0
    rounding: Amount = 0
    total: Amount
    paid: Amount
    change: Amount = 0


# An IANA time zone name as the store's config holds it (`[store] timezone`): Asia/Jakarta, Asia/Makassar, ...
ZONE_NAME = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"


class SaleCompletedV2(SaleCompleted):
    """sale.completed version 2: version 1 plus the store's time zone. `completed_at` is the store's clock in UTC;
    a chain spans WIB, WITA and WIT, so head office needs the zone to put a sale on the store's own business day."""

    timezone: str = Field(min_length=1, max_length=64, pattern=ZONE_NAME)


class SaleLineV3(SaleLine):
    """A sale line that says how it is counted (common.measure): `weight` = qty in grams and unit_price per kg, its
    gross the price x grams / 1000 rounded half up to the Rupiah; `label` = the scale label's price."""

    measure: Literal["unit", "weight", "label"] = "unit"


class SaleCompletedV3(SaleCompletedV2):
    """sale.completed version 3 (issue 16): version 2 with lines that carry their measure (weighed goods)."""

    lines: list[SaleLineV3] = Field(min_length=1, max_length=1000)  # type: ignore[assignment]  # narrower lines: pydantic's override


class SaleLineV4(SaleLineV3):
    """A sale line that names the central promotion its line discount came from (None: none did).

    The till keeps one discount per line: a promotion's, or the cashier's own, which replaces the promotion on that
    line (pos.services.sales.apply_discount clears `promotion_id`); promotions never stack with each other, and the
    whole-sale discount rides apart in `sale_discount`. So a line with a `promotion_id` has all of `line_discount`
    from that promotion, and central checks it against the promotion's rule (central/services/promotion_checks.py).
    Version 4 bounds the line discount on the wire: from 0 to MAX_AMOUNT."""

    promotion_id: Id | None = None
    line_discount: int = Field(0, strict=True, ge=0, le=MAX_AMOUNT)


class SaleCompletedV4(SaleCompletedV3):
    """sale.completed version 4: version 3 with lines that name the promotion behind their discount."""

    lines: list[SaleLineV4] = Field(min_length=1, max_length=1000)  # type: ignore[assignment]  # narrower lines: pydantic's override


class SaleCompletedV5(SaleCompletedV4):
    """sale.completed version 5: version 4 with the manager who approved the cashier's own discounts on this sale
    beyond the store's limit (`discount_approved_by`, their staff id; absent: no manager was asked). Central checks
    the cashier's discounts against the chain's limit and reads the approval from it
    (central/services/manual_discount_checks.py)."""

    discount_approved_by: Id | None = None


class RefundLine(Wire):
    id: Id
    sale_line_id: Id
    sku: Sku
    qty: Qty
    amount: Amount


class PointsBack(Wire):
    points: int = Field(strict=True, ge=0, le=10**12)
    value: Amount


class RefundCompleted(Wire):
    id: Id
    number: str = Field(min_length=1, max_length=48)
    store_id: str | None = Field(None, max_length=32)
    sale_id: Id
    till_id: str = Field(max_length=16)
    tender_type: str = Field("cash", max_length=12)
    amount: Amount
    rounding: Amount = 0
    points_back: PointsBack | None = None
    reason: str | None = Field(None, max_length=200)
    created_at: str | None = None
    lines: list[RefundLine] = Field(min_length=1, max_length=1000)


class RefundCompletedV2(RefundCompleted):
    """refund.completed version 2: version 1 with who gave the money back and on which shift, as the till knows them
    (their staff ids and the shift's id; version 1 carried the first two unchecked beside the contract's fields).
    Central keeps them (central/services/refund_staff.py): head office shows who refunded and who approved, and a
    store restoring a backup puts the refund back on its shift with its people."""

    staff_id: Id | None = None
    approved_by: Id | None = None
    shift_id: Id | None = None


class ShiftOpened(Wire):
    shift_id: Id
    till_id: str = Field(max_length=16)
    opening_float: Amount


class ShiftClosed(Wire):
    shift_id: Id
    till_id: str = Field(max_length=16)
    opening_float: Amount
    expected_cash: Amount | None = None
    counted_cash: Amount | None = None
    variance: Amount | None = None
