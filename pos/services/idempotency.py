"""Idempotency keys: a write the till retries (double click, a lost answer) is answered with its first result,
never done twice. Keys live in the store database, scoped per till and staff member."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from common.errors import Conflict, DomainError
from pos.adapters.tables import IdempotencyKey

from .context import StoreContext

MAX_KEY = 100
# A pending key older than this belongs to a request that died half way (the server was stopped).
UNFINISHED_AFTER = timedelta(minutes=2)
WAIT_SECONDS = 10.0  # a twin request waits this long for the first one's answer before a 409


class BadKey(DomainError):
    status = 400


@dataclass(frozen=True)
class Answer:
    status: int
    body: str


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise BadKey(
            "bad_idempotency_key", f"the Idempotency-Key header is 1-{MAX_KEY} printable ASCII characters (a UUID, say)"
        )
    return key


def claim(ctx: StoreContext, scope: str, key: str, fingerprint: str) -> Answer | None:
    """None: this request owns the key and does the work. An Answer: the first request's result, replayed."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            with ctx.db.unit_of_work() as s:
                row = s.get(IdempotencyKey, (scope, key))
                if row is None:
                    s.add(
                        IdempotencyKey(
                            scope=scope, key=key, fingerprint=fingerprint, state="pending", created_at=ctx.clock()
                        )
                    )
                    return None
                if row.fingerprint != fingerprint:
                    raise Conflict(
                        "idempotency_key_reused",
                        "this Idempotency-Key was already used for another request: a new action needs a new key",
                    )
                if row.state == "done":
                    return Answer(int(row.status or 200), row.body or "")
                if ctx.clock() - row.created_at > UNFINISHED_AFTER:
                    raise Conflict(
                        "idempotency_unfinished",
                        "an earlier request with this Idempotency-Key did not "
                        "finish: look at the sale before trying again with a new key",
                    )
        except IntegrityError:
            continue  # a twin inserted the key between our read and insert: read it again
        if time.monotonic() > deadline:
            raise Conflict(
                "idempotency_in_progress",
                "a request with this Idempotency-Key is still being handled; try again in a moment",
            )
        time.sleep(0.05)


def finish(ctx: StoreContext, scope: str, key: str, answer: Answer | None) -> None:
    """Keep a success for replays; a refusal or a failure changed nothing, so the key is freed for a retry."""
    mine = (IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    with ctx.db.unit_of_work() as s:
        if answer is not None and answer.status < 400:
            s.execute(update(IdempotencyKey).where(*mine).values(state="done", status=answer.status, body=answer.body))
        else:
            s.execute(delete(IdempotencyKey).where(*mine))
