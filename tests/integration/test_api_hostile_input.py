"""The store server refuses the same hostile input as the central store, through the same guard: NUL characters,
nesting past 32 levels and numbers beyond 64 bits are a 4xx naming the field, and nothing changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_api_bad_input import AQUA_330, V1, assert_refused, shop  # noqa: F401

LINE = f'{{"barcode": "{AQUA_330}", "qty": @@}}'
HOSTILE = [
    # (what a forged request carries, path template, raw JSON body, status, error code, field named)
    (
        "a NUL character in the barcode",
        "/sales/{sale}/lines",
        f'{{"barcode": "{AQUA_330}\\u0000"}}',
        400,
        "nul_character",
        "barcode",
    ),
    (
        "a NUL character in a key",
        "/sales/{sale}/lines",
        f'{{"barcode": "{AQUA_330}", "q\\u0000ty": 1}}',
        400,
        "nul_character",
        "key",
    ),
    (
        "nesting deeper than 32 levels",
        "/sales/{sale}/lines",
        LINE.replace("@@", "[" * 40 + "]" * 40),
        400,
        "too_deeply_nested",
        "qty",
    ),
    (
        "nesting deep enough to exhaust the parser",
        "/sales/{sale}/lines",
        "[" * 100_000 + "]" * 100_000,
        400,
        "too_deeply_nested",
        None,
    ),
    (
        "a quantity beyond 64 bits",
        "/sales/{sale}/lines",
        LINE.replace("@@", str(2**64)),
        422,
        "number_out_of_range",
        "qty",
    ),
    (
        "a quantity of 5000 digits",
        "/sales/{sale}/lines",
        LINE.replace("@@", "9" * 5000),
        422,
        "number_out_of_range",
        "qty",
    ),
    ("a quantity of NaN", "/sales/{sale}/lines", LINE.replace("@@", "NaN"), 422, "number_out_of_range", "qty"),
    # the largest unsigned 64-bit number, and the first past the signed range: a fast parser would take them
    (
        "a quantity of 2**64 - 1",
        "/sales/{sale}/lines",
        LINE.replace("@@", str(2**64 - 1)),
        422,
        "number_out_of_range",
        "qty",
    ),
    ("a quantity of 2**63", "/sales/{sale}/lines", LINE.replace("@@", str(2**63)), 422, "number_out_of_range", "qty"),
    (
        "a tender below the 64-bit minimum",
        "/sales/{sale}/tenders",
        f'{{"type": "cash", "amount": {-(2**63) - 1}}}',
        422,
        "number_out_of_range",
        "amount",
    ),
    (
        "an opening float too large for a float",
        "/shifts",
        '{"opening_float": 1e400}',
        422,
        "number_out_of_range",
        "opening_float",
    ),
    (
        "a body that is a JSON string holding the request",
        "/sales/{sale}/lines",
        json.dumps(json.dumps({"barcode": AQUA_330, "qty": 2})),
        400,
        "not_an_object",
        None,
    ),
]


@pytest.mark.parametrize(
    ("path", "raw", "status", "code", "field"), [h[1:] for h in HOSTILE], ids=[h[0].replace(" ", "_") for h in HOSTILE]
)
def test_a_hostile_body_is_refused_naming_the_field_and_changes_nothing(
    shop: dict[str, Any], facts: Any, path: str, raw: str, status: int, code: str, field: str | None
) -> None:
    before = facts()
    resp = shop["api"].post(V1 + path.format(**shop), data=raw, content_type="application/json")
    error = assert_refused(resp, status, code)
    if field:
        assert field in error["message"]
    assert facts() == before


def test_a_nul_character_in_the_address_or_the_query_is_refused(shop: dict[str, Any], facts: Any) -> None:
    before = facts()
    for path in (f"/sales/{shop['sale']}%00/complete", "/products?q=aqua%00", "/stock/SKU-00001%00"):
        method = "POST" if path.endswith("complete") else "GET"
        error = assert_refused(shop["api"].call(method, V1 + path), 400, "nul_character")
        assert "NUL" in error["message"]
    assert facts() == before
