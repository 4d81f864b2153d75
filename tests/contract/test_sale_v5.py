"""sale.completed version 5: version 4 with the manager who approved the cashier's own discounts on the sale (absent:
none was asked); versions 1 to 4 are read as before, and the store writes version 5."""

from __future__ import annotations

import pytest
from test_sale_v4 import SALE

from common.contract.events import build_event, written_version
from common.contract.names import EventType
from common.contract.wire import BadPayload


def test_a_version_5_sale_names_the_approving_manager_or_none_and_goes_on_the_wire_as_the_store_wrote_it() -> None:
    approved = {**SALE, "discount_approved_by": "mgr-ayu"}
    assert build_event(EventType.SALE_COMPLETED, 5, approved) == approved
    assert build_event(EventType.SALE_COMPLETED, 5, SALE) == SALE, "no approval adds no key"
    assert build_event(EventType.SALE_COMPLETED, 4, SALE) == SALE, "version 4 read as before"
    assert written_version(EventType.SALE_COMPLETED) == 5


@pytest.mark.parametrize("value", ["", "m" * 37, 7])
def test_an_empty_oversized_or_mistyped_approver_is_refused(value: object) -> None:
    with pytest.raises(BadPayload, match="discount_approved_by"):
        build_event(EventType.SALE_COMPLETED, 5, {**SALE, "discount_approved_by": value})
