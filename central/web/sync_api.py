"""The sync API: stores push events and pull changes with their own bearer token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import ValidationError

from central.services import pull as pull_service
from central.services import push as push_service
from central.services import snapshot as snapshot_service
from central.services import stock as stock_service
from central.services import store_health, stores
from central.services.context import CentralContext
from central.services.envelope import Event
from common.contract.report import HEADER
from common.errors import DomainError

from .idle_pull import TIMED_OUT
from .metrics import count_push
from .schemas import (
    ErrorOut,
    HealthOut,
    PullOut,
    PullQuery,
    PushIn,
    PushOut,
    SkuPath,
    SnapshotOut,
    SnapshotQuery,
    StockElsewhereOut,
)

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
api = APIBlueprint("sync_api", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="sync")])


def ctx() -> CentralContext:
    return current_app.extensions["omnitoko_central"]


def bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def store_of_token() -> str:
    return stores.authenticate(ctx(), bearer())


class BatchTooLarge(DomainError):
    status = 413


class BadBatch(DomainError):
    status = 400


@api.get(
    "/health",
    summary="Is the central store up (and its epoch); 503 with the reason while its database is down",
    responses={200: HealthOut, 503: ErrorOut},
)
def health():
    return stores.health(ctx())


@api.post(
    "/sync/push",
    summary="Push a batch of the store's events; each is applied once, in store_seq order",
    security=BEARER,
    responses={200: PushOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut},
)
def push(body: PushIn):
    store_id = store_of_token()
    stores.check_store(ctx(), store_id, body.store_id)
    limit = ctx().config.sync.max_batch_events
    if len(body.events) > limit:
        raise BatchTooLarge(
            "batch_too_large",
            f"a batch holds at most {limit} events; this one has {len(body.events)}: send smaller batches",
        )
    for i, e in enumerate(body.events):
        if e.store_id != body.store_id:
            raise BadBatch(
                "mixed_stores",
                f"events.{i} is for store {e.store_id}; a batch carries the events of store {body.store_id} only",
            )
    events = [
        Event(e.event_id, e.store_id, e.device_id, e.store_seq, e.type, e.schema_version, e.payload, e.payload_hash)
        for e in body.events
    ]
    out = push_service.push(ctx(), store_id, body.device_id, events)  # in one of the worker's push slots (lanes.py)
    count_push(current_app, out["results"])
    store_health.note_report(ctx(), store_id, request.headers.get(HEADER))
    return {"batch_id": body.batch_id, **out}


@api.get(
    "/stock/<sku>",
    summary="Who else has this SKU: neighbours first, then the chain (on demand)",
    security=BEARER,
    responses={200: StockElsewhereOut, 401: ErrorOut},
)
def stock_elsewhere(path: SkuPath) -> dict[str, Any]:
    return {"sku": path.sku, "locations": stock_service.elsewhere(ctx(), store_of_token(), path.sku)}


def query_read_by_hand(view: Callable[..., Any]) -> Callable[..., Any]:
    """flask-openapi3 documents the view's query model but leaves reading it to the view (its own flag)."""
    view.__delay_validate_request__ = True  # type: ignore[attr-defined]  # the library's flag, on a plain function
    return view


@api.get(
    "/sync/pull",
    summary="Changes after a cursor (catalog, prices, promotions, stock elsewhere, ...)",
    security=BEARER,
    responses={200: PullOut, 401: ErrorOut},
)
@query_read_by_hand
def pull(query: PullQuery = PullQuery()):  # noqa: B008 - the annotation documents the query; pull_query reads it
    if (cut := request.environ.get(TIMED_OUT)) is not None:
        raise cut  # the short path (idle_pull.py) met a session time limit: answered 503, not waited for twice
    query = pull_query()
    central = ctx()
    store_id, page = pull_service.pull_with_token(central, bearer(), query.cursor, query.limit)  # the token check too
    return pull_service.with_report(central, store_id, page, query.cursor, request.headers.get(HEADER))


def pull_query() -> PullQuery:
    """The pull's query, validated as flask-openapi3 would (the first value of each field, the same 400 through the
    app's validation callback) without its per-request walk of the model's JSON schema: the pull is the hottest
    request of the chain (every store, every 5 s), and that walk was ~7% of an idle pull's CPU (cProfile)."""
    try:
        return PullQuery.model_validate(request.args.to_dict())
    except ValidationError as e:
        abort(current_app.validation_error_callback(e))  # type: ignore[attr-defined]  # set by flask-openapi3


@api.get(
    "/sync/snapshot",
    summary="A new store's (or a new epoch's) starting point: the feed rows meant for it, paged; then pull from `at`",
    security=BEARER,
    responses={200: SnapshotOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def snapshot(query: SnapshotQuery):
    store_id = store_of_token()
    if query.store_id is not None:
        stores.check_store(
            ctx(), store_id, query.store_id, "take the snapshot of"
        )  # a token only ever gets its own store's snapshot
    return snapshot_service.page(ctx(), store_id, query.limit, query.epoch, query.at, query.part, query.after)
