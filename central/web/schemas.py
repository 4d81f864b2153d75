"""Request and response shapes of the sync API; the OpenAPI document is generated from them."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

HARD_MAX_EVENTS = 10_000  # the config's sync.max_batch_events (default 500) is the limit that applies


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail


class EventIn(Body):
    event_id: str = Field(min_length=1, max_length=36, description="UUID the store gave the event; unique forever")
    store_id: str = Field(min_length=1, max_length=32)
    device_id: str = Field(min_length=1, max_length=32, description="the till or device that recorded the fact")
    store_seq: int = Field(strict=True, ge=1, le=2**53, description="gap-free per store: 1, 2, 3, ...")
    type: str = Field(min_length=1, max_length=48, description="sale.completed, refund.completed, ...")
    # 0 too: a version no central reads is dead-lettered per event (unknown_schema_version), never a 400 that would
    # hold back the whole queue behind it
    schema_version: int = Field(strict=True, ge=0, le=1000)
    payload: dict[str, Any]
    payload_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the payload's canonical JSON")
    created_at: str | None = Field(None, max_length=40, description="the store's clock; display only")


class PushIn(Body):
    store_id: str = Field(min_length=1, max_length=32)
    device_id: str = Field(min_length=1, max_length=32, description="the sync agent's device id")
    batch_id: str = Field(min_length=1, max_length=64)
    events: list[EventIn] = Field(max_length=HARD_MAX_EVENTS)


class EventResult(BaseModel):
    event_id: str
    store_seq: int
    status: int = Field(description="200 applied or duplicate; 409 conflict or gap; 422 rejected; 424 skipped")
    outcome: str = Field(description="applied | duplicate | rejected | conflict | gap | skipped")
    code: str | None = None
    message: str | None = None
    first_outcome: str | None = Field(None, description="for a duplicate: what the first delivery did")
    expected_seq: int | None = Field(None, description="for a gap: the store_seq central waits for")


class PushOut(BaseModel):
    batch_id: str
    epoch: str = Field(description="changes when the central database is restored: then re-push and re-pull")
    store_seq: int = Field(description="central's high-water mark: every event up to it is processed")
    results: list[EventResult]


class QueryModel(BaseModel):
    """A query-string model whose JSON schema is made once: flask-openapi3 asks for it on every request to
    parse the query (it looks for list fields), and making it costs more server CPU than an idle pull's SQL."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return _copy_json(_schema_of(cls, args, tuple(sorted(kwargs.items()))))
        except TypeError:  # an argument that cannot be a cache key: make it afresh
            return super().model_json_schema(*args, **kwargs)


def _copy_json(value: Any) -> Any:
    """A copy of a JSON schema (dicts, lists, scalars): several times cheaper than copy.deepcopy (no memo)."""
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


@functools.cache
def _schema_of(model: type[QueryModel], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    return super(QueryModel, model).model_json_schema(*args, **dict(kwargs))


class PullQuery(QueryModel):
    cursor: int = Field(0, ge=0, le=2**53)
    limit: int = Field(500, ge=1, le=10_000)


class ChangeOut(BaseModel):
    seq: int
    topic: str = Field(description="tax_group | category | product | promotion | stock | reconciliation | dead_letter")
    key: str
    data: dict[str, Any]


class ClockOut(BaseModel):
    central_time: str = Field(description="central's clock (UTC) as it answered")
    skew_seconds: float | None = Field(description="the store's clock (X-Omnitoko-Status clock=) minus central's")
    warn_seconds: int = Field(description="the bound over which the admin page and the store's sync page warn")


class PullOut(BaseModel):
    epoch: str
    cursor: int = Field(description="send it back as ?cursor= for the next page")
    head: int
    more: bool
    store_seq: int
    changes: list[ChangeOut]
    clock: ClockOut | None = Field(None, description="the store's clock as central sees it (pull only; issue 19)")


class SnapshotQuery(BaseModel):
    store_id: str | None = Field(None, max_length=32, description="optional; a token only ever gets its own store's")
    epoch: str | None = Field(None, max_length=36, description="from the first page; every later page sends it")
    at: int | None = Field(None, ge=0, le=2**53, description="the feed head the first page named")
    part: int = Field(0, ge=0, le=1000)
    after: int = Field(0, ge=0, le=2**53)
    limit: int = Field(500, ge=1, le=10_000)


class SnapshotOut(PullOut):
    at: int = Field(description="the feed cursor the snapshot stands at: pull from it when `more` is false")
    next_part: int
    next_after: int


class HealthOut(BaseModel):
    status: str
    epoch: str


class SkuPath(Body):
    sku: str = Field(min_length=1, max_length=32)


class StockAt(BaseModel):
    location: str
    name: str
    on_hand: int
    neighbour: bool = Field(description="in this store's feed anyway (a neighbour)")
    as_of: str | None


class StockElsewhereOut(BaseModel):
    sku: str
    locations: list[StockAt]
