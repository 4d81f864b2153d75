"""What every contract model shares: field types with the chain's bounds, canonical JSON, parsing errors."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from common.limits import INT64_MAX, INT64_MIN, MAX_POINTS

Id = Annotated[str, Field(min_length=1, max_length=36)]
Sku = Annotated[str, Field(min_length=1, max_length=32)]
# Any 64-bit figure is well-formed; the central store's checks refuse what is past MAX_AMOUNT by name (and flag the
# store), and the store never writes one (common.limits is enforced at the till and its API).
Amount = Annotated[int, Field(strict=True, ge=INT64_MIN, le=INT64_MAX)]
Qty = Annotated[int, Field(strict=True, ge=-(10**6), le=10**6)]
Points = Annotated[int, Field(strict=True, ge=0, le=MAX_POINTS)]


class Wire(BaseModel):
    """Fields not in the model ride along untouched: a newer store may add some, and the store's payload bytes
    (and so their hash) must not change by passing through the model."""

    model_config = ConfigDict(extra="allow")


class BadPayload(ValueError):
    """A payload that does not fit its model; the message names up to three fields and what is wrong."""


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], payload: Any) -> M:
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        first = e.errors(include_url=False, include_input=False)[:3]
        detail = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'payload'}: {err['msg']}" for err in first)
        raise BadPayload(detail) from e


def dump(model: BaseModel) -> dict[str, Any]:
    """The payload as the store sends it: only the keys it set (defaults are not added), extras kept."""
    return model.model_dump(exclude_unset=True)


# orjson's options for the canonical form: keys sorted, and times (as any other type JSON has not) written by str().
_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def canonical_json(data: Any) -> str:
    """The exact bytes an outbox payload is stored, hashed and sent as; changing this changes every hash.

    The format every stored hash was made with: `json.dumps(data, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False, default=str)`. orjson writes the same bytes for what payloads hold (text, 64-bit integers,
    true/false/null, lists, objects with text keys, times by str()) in a tenth of the time, on every event a store
    writes and every one central checks; what orjson refuses (an integer past 64 bits, a lone surrogate, a key that
    is not text) goes to the standard library as before. A float would be written in orjson's shortest form (1e16,
    not 1e+16): no contract field is a float (tests/contract/test_canonical_json.py)."""
    try:
        return orjson.dumps(data, default=str, option=_CANONICAL).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def payload_hash(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()
