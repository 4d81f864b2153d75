"""Applying a store's pushed events: each once, in its own transaction, in store_seq order.

A repeat returns its first result; the same id with another payload is a conflict and an alert; a business
rejection is dead-lettered and the batch goes on; a gap in store_seq stops the batch there.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from central.tables import Alert, AppliedEvent, DeadLetter, Store
from central.tables.base import new_id
from common.contract.wire import canonical_json

from . import feed, order_refunds, statements, stock, transfer_waits
from .context import CentralContext
from .envelope import Event
from .handlers import handler_for
from .payloads import REFUSED_ALERT, Refused, Rejection
from .pull import pull as pull  # a store's pull lives in pull.py; callers of push.pull keep working
from .retry import Busy, retrying
from .run_apply import applied_row, apply_run, payload_hash, result

log = logging.getLogger(__name__)
ORDER_EVENTS = "online_order."  # the family whose steps may owe the shopper a refund


def push(ctx: CentralContext, store_id: str, device_id: str, events: list[Event]) -> dict[str, Any]:
    ordered = sorted(events, key=lambda e: e.store_seq)
    results = apply_run(
        ctx, store_id, device_id, ordered, handler_for
    )  # the fast path: the leading run, one transaction
    blocked: dict[str, Any] | None = None
    for ev in ordered[len(results) :]:  # the rest (or all, after a fallback) event by event
        if blocked is not None:
            results.append(
                result(
                    ev,
                    424,
                    "skipped",
                    "after_gap",
                    f"not applied: event {blocked['store_seq']} before it is waiting for a gap",
                )
            )
            continue
        r = apply_event(ctx, store_id, device_id, ev)
        results.append(r)
        if r["outcome"] == "gap":
            blocked = r
    applied = {r["event_id"] for r in results if r["outcome"] == "applied"}
    transfer_waits.retry_waiting(ctx, [ev for ev in ordered if ev.event_id in applied])
    fast = sum(1 for r in results if r.pop("fast", False))
    if fast < len(results):
        stock.publish_to_feed(ctx, store_id)  # the fast path published its own figures; the rest went event by event
    feed.sequence(ctx)  # number what this batch wrote now, so the next pull of any store sees it
    if any(ev.type.startswith(ORDER_EVENTS) for ev in ordered):
        order_refunds.send_due(ctx)  # short picks and cancellations: to the gateway now the push has committed
    answer = ctx.db.read_row(statements.push_answer(), {"b_store": store_id})  # straight through the driver
    return {"epoch": answer.epoch, "store_seq": int(answer.last_seq or 0), "results": results}


def apply_event(ctx: CentralContext, store_id: str, device_id: str, ev: Event) -> dict[str, Any]:
    try:
        return retrying(_apply, ctx, store_id, device_id, ev)
    except (OperationalError, InterfaceError, Busy):
        raise  # unreachable, or busy past every retry: not this event's fault; the agent will send it again
    except DataError as e:  # a value the database cannot store (too long, out of range): this event's own fault
        return retrying(_apply, ctx, store_id, device_id, ev, forced=Rejection("value_does_not_fit", _db_reason(e)))
    except (IntegrityError, DBAPIError) as e:
        # A concurrent delivery of the same event won, or a fact id clashes with another event's: look again.
        log.info("event %s: %s; deciding again", ev.event_id, type(e).__name__)
        return retrying(_apply, ctx, store_id, device_id, ev, forced=Rejection("conflicting_fact", _db_reason(e)))
    except Exception as e:  # noqa: BLE001 - a bug with one record must not block the queue behind it
        log.exception("event %s (%s) failed", ev.event_id, ev.type)
        return retrying(
            _apply, ctx, store_id, device_id, ev, forced=Rejection("internal_error", f"{type(e).__name__}: {e}")
        )


def _db_reason(e: DBAPIError) -> str:
    text = str(e.orig).strip().splitlines()[0] if e.orig is not None else str(e)
    return f"the central database refused a row of this event: {text[:300]}"


def _apply(
    ctx: CentralContext, store_id: str, device_id: str, ev: Event, forced: Rejection | None = None
) -> dict[str, Any]:
    with ctx.db.unit_of_work() as s:
        if forced is not None:
            first = s.get(AppliedEvent, ev.event_id)
            if first is not None:
                return _repeat(s, ctx, ev, first)
        # Take the store's row lock and claim the next seq in one statement: concurrent pushes queue here.
        conn = s.connection()
        claimed = conn.execute(
            statements.claim_next_seq(),
            {
                "b_store": store_id,
                "b_prev": ev.store_seq - 1,
                "b_seq": ev.store_seq,
                "b_at": ctx.clock(),
                "b_device": device_id,
            },
        ).rowcount
        if not claimed:
            return _not_next(s, ctx, store_id, ev)
        changes: list[feed.FeedChange] = []
        try:
            if forced is not None:
                raise forced
            if payload_hash(ev.payload) != ev.payload_hash:
                raise Rejection(
                    "bad_payload_hash",
                    "payload_hash does not match the payload: the event was altered after the store wrote it",
                )
            changes = handler_for(ev.type, ev.schema_version)(s, ctx, ev)
            outcome, code, message, status = "applied", None, None, 200
        except Rejection as r:
            outcome, code, message, status = "rejected", r.code, r.message, r.status
            if isinstance(r, Refused):  # a check on what the event claims failed: an operator must look at the store
                _alert(s, ctx, store_id, REFUSED_ALERT, ev.event_id, f"{ev.type} refused ({r.code}): {r.message}")
            s.add(
                DeadLetter(
                    event_id=ev.event_id,
                    store_id=store_id,
                    store_seq=ev.store_seq,
                    type=ev.type,
                    schema_version=ev.schema_version,
                    code=r.code,
                    reason=r.message,
                    payload=canonical_json(ev.payload),
                    created_at=ctx.clock(),
                )
            )
        conn.execute(
            statements.insert_into(AppliedEvent.__table__),
            applied_row(ev, store_id, outcome, code, message, ctx.clock()),
        )
        feed.append(s, ctx, changes)
        return result(ev, status, outcome, code, message)


def _not_next(s: Session, ctx: CentralContext, store_id: str, ev: Event) -> dict[str, Any]:
    first = s.get(AppliedEvent, ev.event_id)
    if first is not None:
        return _repeat(s, ctx, ev, first)
    last = s.scalar(select(Store.last_seq).where(Store.id == store_id))
    if last is not None and ev.store_seq <= last:
        _alert(
            s,
            ctx,
            store_id,
            "seq_taken",
            ev.event_id,
            f"event {ev.event_id} claims store_seq {ev.store_seq}, already used by another event",
        )
        return result(
            ev,
            409,
            "conflict",
            "seq_taken",
            f"store_seq {ev.store_seq} of store {store_id} is already taken by another event",
        )
    return {
        **result(
            ev,
            409,
            "gap",
            "seq_gap",
            f"events {int(last or 0) + 1}..{ev.store_seq - 1} of store "
            f"{store_id} have not arrived; nothing from {ev.store_seq} on is "
            "applied until they do",
        ),
        "expected_seq": int(last or 0) + 1,
    }


def _repeat(s: Session, ctx: CentralContext, ev: Event, first: AppliedEvent) -> dict[str, Any]:
    if first.payload_hash != ev.payload_hash:
        _alert(
            s,
            ctx,
            first.store_id,
            "payload_mismatch",
            ev.event_id,
            f"event {ev.event_id} was sent again with a different payload (hash {ev.payload_hash[:12]}, "
            f"first {first.payload_hash[:12]})",
        )
        return result(
            ev,
            409,
            "conflict",
            "payload_mismatch",
            "this event id was already applied with a different payload; the first one stands",
        )
    status = 200 if first.outcome == "applied" else 422
    return {**result(ev, status, "duplicate", first.code, first.message), "first_outcome": first.outcome}


def _alert(s: Session, ctx: CentralContext, store_id: str, kind: str, event_id: str, message: str) -> None:
    seen = s.scalar(select(Alert.id).where(Alert.kind == kind, Alert.event_id == event_id))
    if seen is None:
        s.add(
            Alert(id=new_id(), store_id=store_id, kind=kind, event_id=event_id, message=message, created_at=ctx.clock())
        )
