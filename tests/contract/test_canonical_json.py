"""canonical_json writes with orjson the very bytes json.dumps wrote (every stored payload hash was made with those),
and falls back to json.dumps for what orjson refuses. Floats are the one thing written differently, so no contract
field may be one."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.contract.wire import canonical_json, payload_hash

pytestmark = pytest.mark.unit

SCHEMA = Path(__file__).resolve().parents[2] / "common" / "contract" / "schema.json"


def reference(data: Any) -> str:
    """How every stored payload was written before orjson."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# Text as a payload holds it: any character but a lone surrogate (which neither side can encode to UTF-8).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**64 - 1), TEXT, st.datetimes(), st.dates()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(TEXT, inner, max_size=5)),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_any_payload_of_text_integers_and_nesting_is_written_byte_for_byte_as_before(value: Any) -> None:
    assert canonical_json(value) == reference(value)


@pytest.mark.parametrize(
    "value",
    [
        {"big": 2**70, "small": -(2**70)},  # past 64 bits: orjson refuses, json writes it
        {2: "b", 1: "a"},  # keys that are not text
        {"lone": "\ud800"},  # a lone surrogate
        {"when": datetime(2026, 12, 5, 7, 30, 1, 250), "day": date(2026, 12, 5)},  # times by str(), not ISO's T
        {"escapes": 'quote " backslash \\ newline \n tab \t bell \x07 del \x7f nbsp \u00a0 line sep \u2028 emoji 😀'},
    ],
)
def test_what_orjson_refuses_or_writes_its_own_way_comes_out_as_json_wrote_it(value: Any) -> None:
    assert canonical_json(value) == reference(value)


def test_a_stored_hash_is_unchanged() -> None:
    body = canonical_json({"sale_id": "s1", "lines": [{"qty": 2, "name": "Teh Botol 450 ml"}], "total": 9000})
    assert payload_hash(body) == payload_hash(reference(json.loads(body)))


def test_no_contract_field_is_a_float() -> None:
    """json.dumps wrote 1e+16 where orjson writes 1e16: a float field would make the two sides of a mixed-version
    chain hash the same payload differently. Money, quantities and points are integers."""

    def numbers(node: Any, path: str = "") -> list[str]:
        found = []
        if isinstance(node, dict):
            if node.get("type") == "number":
                found.append(path)
            for key, child in node.items():
                found += numbers(child, f"{path}/{key}")
        elif isinstance(node, list):
            for i, child in enumerate(node):
                found += numbers(child, f"{path}/{i}")
        return found

    schema = json.loads(SCHEMA.read_text())
    assert schema, "the contract's schema snapshot is there"
    assert numbers(schema) == []
