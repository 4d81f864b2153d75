"""sale.completed version 4: version 3 with lines that name the central promotion behind their discount, and a line
discount the wire bounds (0 to MAX_AMOUNT); versions 1 to 3 are read as before."""

from __future__ import annotations

import pytest

from common.contract.events import build_event
from common.contract.names import EventType
from common.contract.wire import BadPayload
from common.limits import MAX_AMOUNT

LINE = {
    "id": "l1",
    "sku": "SKU-00001",
    "qty": 2,
    "unit_price": 3_500,
    "line_discount": 700,
    "net": 6_300,
    "tax_group": "PPN",
    "measure": "unit",
}
SALE = {
    "sale_id": "s1",
    "number": "TOKO-01-T1-000001",
    "till_id": "T1",
    "timezone": "Asia/Jakarta",
    "lines": [{**LINE, "promotion_id": "p1"}],
    "subtotal": 7_000,
    "total": 6_300,
    "paid": 6_300,
}


def test_a_version_4_line_names_its_promotion_or_none_and_goes_on_the_wire_as_the_store_wrote_it() -> None:
    assert build_event(EventType.SALE_COMPLETED, 4, SALE) == SALE
    plain = {**SALE, "lines": [LINE]}
    assert build_event(EventType.SALE_COMPLETED, 4, plain) == plain, "a line without a promotion adds no key"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("line_discount", -1),
        ("line_discount", MAX_AMOUNT + 1),
        ("line_discount", "700"),
        ("promotion_id", ""),
        ("promotion_id", "p" * 37),
        ("promotion_id", 7),
    ],
)
def test_a_negative_oversized_or_mistyped_promoted_line_is_refused(field: str, value: object) -> None:
    line = {**SALE["lines"][0], field: value}  # type: ignore[index]
    with pytest.raises(BadPayload, match=field):
        build_event(EventType.SALE_COMPLETED, 4, {**SALE, "lines": [line]})


def test_a_version_3_sale_is_read_unchanged() -> None:
    v3 = {**SALE, "lines": [{**LINE, "line_discount": -1}]}  # central's checks refuse this by name, as before
    assert build_event(EventType.SALE_COMPLETED, 3, v3) == v3
