"""The guard reads an honest body with orjson and a doubtful one with the careful parser: both give the same value,
and every refusal still names what was wrong."""

from __future__ import annotations

import json

import pytest

from common.web.input_guard import BadInput, OutOfRange, careful_loads, loads

HONEST = [
    '{"events": [{"store_seq": 1, "payload": {"total": 7000, "lines": [{"qty": 1, "name": "Teh Botol \\u00e9"}]}}]}',
    '{"barcode": "8990000100010123456789", "qty": 3}',  # 22 digits in a string: the careful parser reads it
    '{"amount": -9223372036854775808, "rate": 0.11, "big": 1.5e300, "ok": true, "none": null, "emoji": "\\ud83d\\ude00"}',
    '[1, [2, [3, [4]]], {"a": {"b": {}}}]',
]


@pytest.mark.parametrize("body", HONEST)
def test_an_honest_body_reads_the_same_whichever_parser_reads_it(body: str) -> None:
    assert loads(body) == careful_loads(body) == json.loads(body)
    assert loads(body.encode()) == json.loads(body)


@pytest.mark.parametrize(
    "body, refusal, code",
    [
        ('{"qty": 18446744073709551615}', OutOfRange, "number_out_of_range"),  # orjson alone would read it
        ('{"qty": 1e999}', OutOfRange, "number_out_of_range"),
        ('{"qty": NaN}', OutOfRange, "number_out_of_range"),
        ('{"name": "a\\u0000b"}', BadInput, "nul_character"),
        ('{"a": ' * 40 + "1" + "}" * 40, BadInput, "too_deeply_nested"),
        ('"just a string"', BadInput, "not_an_object"),
    ],
)
def test_a_doubtful_body_is_refused_with_what_was_wrong(body: str, refusal: type, code: str) -> None:
    with pytest.raises(refusal) as refused:
        loads(body)
    assert refused.value.code == code
