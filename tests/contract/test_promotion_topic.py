"""The promotion topic's version 2 carries a multi-buy's set (set_qty, set_value) and sends its `value` as 0, so a
version-1 agent, which reads a kind it does not know as Rupiah off each item, gives no discount instead."""

from __future__ import annotations

import pytest

from common.contract.topics import TOPICS, PromotionData, PromotionDataV2, PromotionDataV3, check_topic
from common.contract.wire import BadPayload
from common.measure import line_gross
from common.pricing import Discount

BELI_2_GRATIS_1 = {
    "id": "p1",
    "name": "Beli 2 Gratis 1",
    "kind": "free",
    "value": 0,
    "set_qty": 3,
    "set_value": 1,
    "skus": ["SKU-00001"],
    "active": True,
}


def test_central_publishes_promotion_version_3_and_versions_1_and_2_stay_as_published() -> None:
    assert TOPICS["promotion"] == (3, PromotionDataV3)
    assert set(PromotionDataV3.model_fields) - set(PromotionDataV2.model_fields) == {"mixed"}
    assert set(PromotionData.model_fields) == {"id", "name", "kind", "value", "skus", "starts_at", "ends_at", "active"}
    parsed = check_topic("promotion", BELI_2_GRATIS_1)
    assert (parsed.set_qty, parsed.set_value) == (3, 1)  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", [{"set_qty": 1}, {"set_value": 0}])
def test_a_multi_buy_set_a_store_could_not_price_is_refused_by_the_model(bad: dict[str, int]) -> None:
    with pytest.raises(BadPayload):
        check_topic("promotion", {**BELI_2_GRATIS_1, **bad})


def test_a_version_1_agent_reads_a_multi_buy_as_worth_nothing() -> None:
    old = PromotionData.model_validate(BELI_2_GRATIS_1)  # extra fields are kept, not read
    # An old agent's Promo.discount takes an unknown kind as Rupiah off each item; it also skips a value of 0.
    assert old.value == 0 and Discount("amount", line_gross(old.value, 6, "unit")).amount_on(21_000) == 0


def test_a_version_2_agent_reads_a_mixed_multi_buy_as_one_counted_on_one_line() -> None:
    mixed = {**BELI_2_GRATIS_1, "mixed": True}
    assert check_topic("promotion", mixed).mixed is True  # type: ignore[attr-defined]
    old = PromotionDataV2.model_validate(mixed)  # extra fields are kept, not read
    assert (old.set_qty, old.set_value) == (3, 1)
