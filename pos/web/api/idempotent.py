"""The Idempotency-Key header on the store API's writes that create or pay (issue 15, point 7)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import make_response, request
from pydantic import BaseModel, Field

from pos.services import idempotency

from .common import actor, ctx
from .headers import document_header, drop_header

HEADER = "Idempotency-Key"


class IdempotencyHeader(BaseModel):
    key: str | None = Field(
        None,
        alias=HEADER,
        description=(
            f"optional, 1-{idempotency.MAX_KEY} printable ASCII characters (a UUID per action): the same key and body "
            "again answers the first result (header Idempotent-Replayed: true) and does nothing twice; the same key "
            "with another body is a 409"
        ),
    )


def _fingerprint() -> str:
    h = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data()):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Same key and body: the first answer again; same key, another body: 409. No header: as before."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        drop_header(kwargs)
        raw = request.headers.get(HEADER)
        if raw is None:
            return view(*args, **kwargs)
        key = idempotency.check_key(raw)
        who = actor()
        scope = f"{who.till_id}|{who.staff_id}"
        first = idempotency.claim(ctx(), scope, key, _fingerprint())
        if first is not None:
            replay = make_response(first.body, first.status)
            replay.mimetype = "application/json"
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        try:
            resp = make_response(view(*args, **kwargs))
        except BaseException:
            idempotency.finish(ctx(), scope, key, None)
            raise
        idempotency.finish(ctx(), scope, key, idempotency.Answer(resp.status_code, resp.get_data(as_text=True)))
        return resp

    return document_header(wrapper, IdempotencyHeader)
