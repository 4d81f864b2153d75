"""One guard on what a request may carry, shared by the store server and the central store.

Databases refuse some values a JSON parser happily returns: PostgreSQL stores no NUL character in text and no
integer beyond 64 bits, and a deeply nested body can exhaust the parser's recursion. Refusing them here, before any
view or service runs, makes them a 4xx that names the field instead of a DataError (a 500) halfway through a
transaction.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from flask import Flask, request

from common.errors import DomainError
from common.limits import INT64_MAX, INT64_MIN

MAX_DEPTH = 32  # a push (batch, events, event, payload, lines, line) needs 6; 32 leaves room for any honest body
_MAX_INT_DIGITS = len(str(INT64_MIN))  # longer digit strings cannot be 64-bit: refused before converting them


class BadInput(DomainError):
    status = 400


class OutOfRange(DomainError):
    status = 422


class _Huge(str):
    """The text of an integer too long to be 64-bit, kept unconverted until the walk names where it was."""


def _int(text: str) -> int | _Huge:
    return int(text) if len(text) <= _MAX_INT_DIGITS else _Huge(text)


def _where(path: list[str | int]) -> str:
    return ".".join(str(p) for p in path) or "the body"


def _check_number(node: Any, path: list[str | int]) -> None:
    if isinstance(node, _Huge) or (isinstance(node, int) and not INT64_MIN <= node <= INT64_MAX):
        shown = node if len(str(node)) <= 30 else f"{str(node)[:12]}... ({len(str(node))} digits)"
        raise OutOfRange(
            "number_out_of_range",
            f"{_where(path)}: the number {shown} is outside the 64-bit range {INT64_MIN} .. {INT64_MAX}",
        )
    if isinstance(node, float) and not math.isfinite(node):
        raise OutOfRange("number_out_of_range", f"{_where(path)}: {node} is not a finite number")


def check_value(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH, numbers a database cannot hold and NUL characters in any string or key;
    iterative, so a hostile depth cannot exhaust the stack."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, (dict, list)):
            if len(path) >= MAX_DEPTH:
                raise BadInput("too_deeply_nested", f"{_where(path)} is nested more than {MAX_DEPTH} levels deep")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if isinstance(key, str) and "\x00" in key:
                    raise BadInput("nul_character", f"the key {key!r} in {_where(path)} contains a NUL character")
                stack.append((child, [*path, key]))
        elif isinstance(node, str) and not isinstance(node, _Huge):
            if "\x00" in node:
                raise BadInput("nul_character", f"{_where(path)} contains a NUL character (\\u0000)")
        else:
            _check_number(node, path)


# A run of 19 digits anywhere in a body: a number that may not be 64-bit (orjson reads one past 64 bits as a float),
# or only a long barcode in a string; either way the careful parse below reads that body. Found by mapping every
# digit to "0" and looking for 19 of them (a regular expression took four times orjson's own time).
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * len(str(INT64_MAX))


def _long_digits(raw: bytes) -> bool:
    return _LONG_DIGITS in raw.translate(_DIGITS_AS_ZERO)


def loads(data: str | bytes) -> Any:
    """The request body's JSON, with the guard's checks: orjson reads a body with no run of 19 digits (every number
    in it is 64-bit; it refuses NaN, infinities, lone surrogates, other encodings and depths past 1,024 on its own),
    then the depth and NUL checks; any other body, or one orjson refuses, goes through `careful_loads`, which says
    what was wrong and where. A push's 500 events are read in C, not number by number through Python."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not _long_digits(raw):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return careful_loads(data)  # its own error (or the same refusal), named
        if b"\\u0000" in raw or _deeper_than(value, MAX_DEPTH):
            check_value(value)
        return _an_object(value)
    return careful_loads(data)


def _an_object(value: Any) -> Any:
    if isinstance(value, str):
        # flask-openapi3 parses a body that is a JSON string as JSON once more, past these checks
        raise BadInput("not_an_object", "the request body must be a JSON object, not a string")
    return value


def careful_loads(data: str | bytes) -> Any:
    """json.loads for request bodies, with the guard's checks (the store server and the central store alike).

    The numbers are checked as the parser makes them and NUL characters looked for in the text, so the walk of
    every value (which names the field) runs only when one of them, or the nesting, is wrong: a push's body is
    not walked leaf by leaf."""
    odd: list[bool] = []

    def number(text: str) -> int | _Huge:
        value = _int(text)
        if isinstance(value, _Huge) or not INT64_MIN <= value <= INT64_MAX:
            odd.append(True)
        return value

    def real(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            odd.append(True)
        return value

    def constant(name: str) -> float:  # NaN, Infinity, -Infinity
        odd.append(True)
        return float(name)

    try:
        value = json.loads(data, parse_int=number, parse_float=real, parse_constant=constant)
    except RecursionError:
        raise BadInput("too_deeply_nested", f"the request body is nested more than {MAX_DEPTH} levels deep") from None
    # A NUL reaches a string only as the escape \u0000 (the parser refuses raw control characters); a body in
    # UTF-16 or -32 has NUL bytes throughout, so it is walked.
    nul = b"\\u0000" in data or b"\x00" in data if isinstance(data, bytes) else "\\u0000" in data
    if odd or nul or _deeper_than(value, MAX_DEPTH):
        check_value(value)
    return _an_object(value)


def _deeper_than(value: Any, depth: int) -> bool:
    """Is any dict or list nested `depth` levels or more (the root at 0)? Containers only, no paths."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if level >= depth:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                stack.append((child, level + 1))
    return False


class _GuardedJSON:
    """What a request parses its body with (werkzeug calls `json_module.loads`)."""

    loads = staticmethod(loads)


def _guard_request() -> None:
    # Flask hands each request the app's JSON provider when it makes it; the body is parsed with the guard instead.
    request.json_module = _GuardedJSON
    if "\x00" in request.path:
        raise BadInput("nul_character", "the address contains a NUL character (%00)")
    fields = [("query", request.args)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.append(("form", request.form))
    for where, values in fields:
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                raise BadInput(
                    "nul_character", f"the {where} field {key.replace(chr(0), '%00')!r} contains a NUL character"
                )


def install_input_guard(app: Flask) -> None:
    """Every JSON body is parsed with the guard; the URL and form fields are checked for NUL characters."""
    app.before_request(_guard_request)
