"""refund.completed version 2: version 1 with the refund's cashier, approving manager and shift, checked as ids; version
1 is read as before, and the store writes version 2 (its till's refunds name their shift)."""

from __future__ import annotations

import pytest

from common.contract.events import build_event, written_version
from common.contract.names import EventType
from common.contract.wire import BadPayload

REFUND = {
    "id": "0b6f2a4e-6f6a-4f7e-9a55-0c1d2e3f4a5b",
    "number": "TOKO-01-T1-R000001",
    "store_id": "TOKO-01",
    "sale_id": "1c7e3b5f-7a7b-4a8f-8b66-1d2e3f4a5b6c",
    "till_id": "T1",
    "tender_type": "cash",
    "amount": 3500,
    "lines": [
        {
            "id": "2d8f4c60-8b8c-4b90-9c77-2e3f4a5b6c7d",
            "sale_line_id": "3e905d71-9c9d-4ca1-8d88-3f4a5b6c7d8e",
            "sku": "SKU-00001",
            "qty": 1,
            "amount": 3500,
        }
    ],
}
PEOPLE = {"staff_id": "st-1001", "approved_by": "st-9001", "shift_id": "4fa16e82-ad0e-4db2-9e99-4a5b6c7d8e9f"}


def test_a_version_2_refund_names_its_cashier_approver_and_shift_and_goes_on_the_wire_as_written() -> None:
    assert build_event(EventType.REFUND_COMPLETED, 2, {**REFUND, **PEOPLE}) == {**REFUND, **PEOPLE}
    assert build_event(EventType.REFUND_COMPLETED, 2, REFUND) == REFUND, "none named adds no key"
    assert build_event(EventType.REFUND_COMPLETED, 1, {**REFUND, **PEOPLE}) == {**REFUND, **PEOPLE}, "v1 as before"
    assert written_version(EventType.REFUND_COMPLETED) == 2


@pytest.mark.parametrize("field", sorted(PEOPLE))
@pytest.mark.parametrize("value", ["", "x" * 37, 7])
def test_an_empty_oversized_or_mistyped_person_or_shift_is_refused(field: str, value: object) -> None:
    with pytest.raises(BadPayload, match=field):
        build_event(EventType.REFUND_COMPLETED, 2, {**REFUND, **PEOPLE, field: value})
