"""Push's fast path: the leading run of a batch (store_seq last+1, last+2, ...) in ONE transaction, all or nothing.

Most batches hold only good events. The run's sales are checked against facts read once for the lot (shifts,
tax rates, SKUs) and written with one multi-row insert per table; every stock movement of the run goes into the
ledger with one insert and into the levels with one upsert at the end; the applied-event rows, the store's seq,
the stock publish and the feed append are one statement each. Other events keep their handlers, in store_seq
order; consecutive sales are gathered only up to the next other event, so whatever an event reads (a sale a
refund names, a shift a sale names) is written before it, as when the events go one by one.

If any event of the run is refused or fails, nothing of the run stays and push goes event by event: the results
are the same either way. Locks, in the documented order (docs/locking.md): the store row first; then what the
handlers lock (carts, members, holds); stock levels once, in (location, SKU) order; reconciliation items; the
feed's change rows last.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from central.tables import AppliedEvent
from common.contract.names import EventType
from common.contract.wire import canonical_json

from . import feed, statements, stock
from .context import CentralContext
from .envelope import Event, Handler
from .handlers import gathering_sales, write_gathered_sales
from .payloads import Rejection
from .retry import Busy, retrying

log = logging.getLogger(__name__)

SALE = EventType.SALE_COMPLETED  # every version of it is gathered and written with the sales next to it


def payload_hash(payload: dict[str, Any]) -> str:
    """The same canonical JSON the store hashed when it wrote the outbox row."""
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def applied_row(
    ev: Event, store_id: str, outcome: str, code: str | None, message: str | None, at: Any
) -> dict[str, Any]:
    """The `applied_events` row that records what became of one event (applied, refused, duplicate...)."""
    return dict(
        event_id=ev.event_id,
        store_id=store_id,
        store_seq=ev.store_seq,
        device_id=ev.device_id,
        type=ev.type,
        schema_version=ev.schema_version,
        payload_hash=ev.payload_hash,
        outcome=outcome,
        code=code,
        message=message,
        applied_at=at,
    )


def result(ev: Event, status: int, outcome: str, code: str | None, message: str | None) -> dict[str, Any]:
    return {
        "event_id": ev.event_id,
        "store_seq": ev.store_seq,
        "status": status,
        "outcome": outcome,
        "code": code,
        "message": message,
    }


class _Fallback(Exception):
    """An event of the run was refused or failed: undo the run and apply the batch event by event."""


def apply_run(
    ctx: CentralContext,
    store_id: str,
    device_id: str,
    ordered: list[Event],
    lookup: Callable[[str, int], Handler],
) -> list[dict[str, Any]]:
    """The results of the run's events, in order (each marked `fast`); empty when there is no run or on a fallback.

    `lookup` finds each event's handler (push's own, the same the event-by-event path uses)."""
    try:
        return retrying(_apply_run, ctx, store_id, device_id, ordered, lookup)
    except (OperationalError, InterfaceError, Busy):
        raise  # unreachable or busy: the same for the event-by-event path; the agent sends again
    except _Fallback:
        return []
    except Exception as e:  # noqa: BLE001 - whatever it was, the event-by-event path decides each event
        log.info(
            "batch of store %s from seq %s goes event by event: %s",
            store_id,
            ordered[0].store_seq if ordered else "-",
            type(e).__name__,
        )
        return []


def _apply_run(
    ctx: CentralContext, store_id: str, device_id: str, ordered: list[Event], lookup: Callable[[str, int], Handler]
) -> list[dict[str, Any]]:
    with ctx.db.unit_of_work() as s:
        conn = s.connection()
        last = conn.execute(statements.lock_store_seq(), {"b_store": store_id}).scalar()
        if last is None:
            return []
        run: list[Event] = []
        for ev in ordered:
            if ev.store_seq != last + 1 + len(run):
                break
            run.append(ev)
        if not run:
            return []
        with stock.deferred(s) as postings:
            changes = _Run(s, ctx, lookup).apply(run)
        changes += stock.post_many(s, ctx, postings)
        now = ctx.clock()
        statements.insert_rows(
            conn, AppliedEvent.__table__, [applied_row(ev, store_id, "applied", None, None, now) for ev in run]
        )
        conn.execute(
            statements.claim_next_seq(),
            {"b_store": store_id, "b_prev": last, "b_seq": run[-1].store_seq, "b_at": now, "b_device": device_id},
        )
        feed.append(s, ctx, changes + stock.publish(s, ctx, store_id))
    return [{**result(ev, 200, "applied", None, None), "fast": True} for ev in run]


class _Run:
    """The run's events in store_seq order: sales gathered and written together, the others by their handlers."""

    def __init__(self, s: Session, ctx: CentralContext, lookup: Callable[[str, int], Handler]) -> None:
        self.s, self.ctx, self.lookup = s, ctx, lookup

    def apply(self, run: list[Event]) -> list[feed.FeedChange]:
        changes: list[feed.FeedChange] = []
        try:
            with gathering_sales(self.s):
                for ev in run:
                    if payload_hash(ev.payload) != ev.payload_hash:
                        raise _Fallback
                    if ev.type != SALE:
                        changes += write_gathered_sales(self.s, self.ctx)  # what this event may read goes first
                    changes += self.lookup(ev.type, ev.schema_version)(self.s, self.ctx, ev)
                changes += write_gathered_sales(self.s, self.ctx)
        except Rejection as r:
            raise _Fallback from r
        return changes
