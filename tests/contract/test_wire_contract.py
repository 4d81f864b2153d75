"""The wire contract: events keep their bytes and hash through the models; models change only by new versions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from common.contract import schema
from common.contract.events import EVENTS, build_event, written_version
from common.contract.names import EventType, Topic
from common.contract.topics import TOPICS
from common.contract.wire import BadPayload, canonical_json, payload_hash

SALE: dict[str, Any] = {
    "sale_id": "5f0c1f0e-0000-4000-8000-000000000001",
    "number": "TOKO-01-T1-000001",
    "store_id": "TOKO-01",
    "till_id": "T1",
    "member_id": None,
    "shift_id": "5f0c1f0e-0000-4000-8000-000000000002",
    "staff_id": "s1",
    "completed_at": "2026-12-01T09:30:00",
    "currency": "IDR",
    "state": "completed",
    "lines": [
        {
            "id": "l1",
            "sku": "AQUA-330",
            "name": "Aqua 330ml \u00e9",
            "qty": 2,
            "unit_price": 3500,
            "line_discount": 0,
            "sale_discount": 0,
            "net": 7000,
            "tax_group": "PPN",
            "tax_rate_bp": 1100,
        }
    ],
    "tenders": [{"id": "t1", "type": "cash", "amount": 10000, "reference": None}],
    "taxes": [{"group": "PPN", "rate_bp": 1100, "gross": 7000, "tax": 694}],
    "subtotal": 7000,
    "discount": 0,
    "tax": 694,
    "rounding": 0,
    "total": 7000,
    "paid": 10000,
    "change": 3000,
}
# The hash this payload had in the outbox before the contract existed (stored rows keep it): it must never move.
SALE_HASH = "66ed261b0aea84c7b8a91af33490b915973dddd31825e631b76f910f4edab791"


def test_a_sale_event_keeps_its_bytes_and_hash_through_the_contract_model() -> None:
    before = canonical_json(SALE)
    after = canonical_json(build_event(EventType.SALE_COMPLETED, 1, SALE))
    assert after == before
    assert payload_hash(after) == SALE_HASH


def test_canonical_json_is_byte_identical_to_what_the_store_wrote_before() -> None:
    # Sorted keys, no spaces, UTF-8 kept as is, anything else by str(): the format every stored hash was made with.
    body = canonical_json({"b": 1, "a": "\u00e9", "c": [1, {"z": None, "y": True}]})
    assert body == '{"a":"\u00e9","b":1,"c":[1,{"y":true,"z":null}]}'
    assert payload_hash('{"a":1}') == "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"


@pytest.mark.parametrize("missing", ["sale_id", "lines", "total", "paid"])
def test_the_store_cannot_build_a_sale_event_without_a_field_central_needs(missing: str) -> None:
    payload = {k: v for k, v in SALE.items() if k != missing}
    with pytest.raises(BadPayload, match=missing):
        build_event(EventType.SALE_COMPLETED, 1, payload)


def test_an_amount_as_a_string_or_float_is_refused_when_building() -> None:
    for bad in ("7000", 7000.0):
        with pytest.raises(BadPayload, match="total"):
            build_event(EventType.SALE_COMPLETED, 1, {**SALE, "total": bad})


def test_an_event_type_or_version_without_a_model_cannot_be_built() -> None:
    with pytest.raises(KeyError, match="voucher.used"):
        build_event("voucher.used", 1, {})
    with pytest.raises(KeyError, match="version 6"):
        build_event(EventType.SALE_COMPLETED, 6, {**SALE, "timezone": "Asia/Jakarta"})


def test_a_version_2_sale_is_version_1_plus_the_stores_time_zone_and_the_store_writes_version_2() -> None:
    assert written_version(EventType.SALE_COMPLETED) == 5  # version 5 names who approved the cashier's discounts
    v2 = build_event(EventType.SALE_COMPLETED, 2, {**SALE, "timezone": "Asia/Makassar"})
    assert v2 == {**SALE, "timezone": "Asia/Makassar"}
    with pytest.raises(BadPayload, match="timezone"):
        build_event(EventType.SALE_COMPLETED, 2, SALE)  # a store that forgot its zone fails at the store
    with pytest.raises(BadPayload, match="timezone"):
        build_event(EventType.SALE_COMPLETED, 2, {**SALE, "timezone": "Asia/Jakarta; DROP TABLE"})
    assert canonical_json(build_event(EventType.SALE_COMPLETED, 1, SALE)) == canonical_json(SALE)  # v1 unchanged


def test_every_event_type_and_topic_name_has_a_model() -> None:
    types = {v for k, v in vars(EventType).items() if k.isupper()}
    topics = {v for k, v in vars(Topic).items() if k.isupper()}
    assert types == {t for t, _ in EVENTS}
    assert topics == set(TOPICS)


def test_the_checked_in_schema_snapshot_matches_every_model() -> None:
    now, saved = schema.current(), schema.snapshot()
    assert not schema.changed_versions(now, saved), (
        "a contract model changed under a published schema version: add a new version instead"
    )
    assert not now.keys() - saved.keys(), "new models: run `make contract-schema` and commit schema.json"


def test_a_changed_model_under_an_old_version_is_caught() -> None:
    now = schema.current()
    altered = json.loads(json.dumps(now))
    altered["event:sale.completed@1"]["required"].append("voucher")
    assert schema.changed_versions(altered, now) == ["event:sale.completed@1"]
    assert schema.main(["--check"]) == 0
