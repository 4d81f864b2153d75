"""Head office marks a reconciliation task done (what was done, by whom, when) or opens it again by mistake resolved.

Once only: the row is changed by one conditional UPDATE (`resolved_at IS NULL` to resolve, `IS NOT NULL` to reopen),
so of two admins resolving the same task at the same moment exactly one changes it (PostgreSQL makes the second
UPDATE wait for the first's row lock, then finds the row no longer open) and the other is told who resolved it.

A task the store was sent (its feed row on topic `reconciliation`) is sent again with its new resolved_at, so the
store's manager no longer sees it as open (or sees it again). A kind that keeps one open task per store and product
and counts its occurrences (below zero) takes that product's stock row first, as a push does (feed.py's lock
order): a sale being applied waits, then counts its occurrence on a task still open or raises a new one; a resolve
never lands between a push's look for the open task and its count.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.tables import Change, ReconciliationItem, StockLevel
from common.contract.names import Topic
from common.db import rowcount
from common.errors import Conflict, DomainError, NotFound

from . import feed, stock
from .context import CentralContext
from .feed import FeedChange

log = logging.getLogger(__name__)

NOTE_MAX = 500  # characters of a note (the columns' size)
# Kinds with one open task per (store, SKU) that counts how often it happened (stock._below_zero): a new occurrence
# after a resolution raises a new open task, which names the resolution before it (reconciliation_admin).
COUNTED = frozenset({"below_zero"})


class BadNote(DomainError):
    """The note is missing or too long: nothing was changed."""

    status = 400


def clean_note(note: str | None) -> str:
    """The note as kept: trimmed, on one line; refused when empty or longer than NOTE_MAX."""
    kept = " ".join((note or "").split())
    if not kept:
        raise BadNote("task_note_missing", "write what was done (a short note) before marking the task")
    if len(kept) > NOTE_MAX:
        raise BadNote(
            "task_note_too_long", f"the note is {len(kept)} characters; at most {NOTE_MAX}", most=NOTE_MAX, n=len(kept)
        )
    return kept


def resolve(ctx: CentralContext, task_id: str, admin: str, note: str | None) -> dict[str, Any]:
    """Mark an open task done; Conflict (with who resolved it, when and their note) when it is no longer open."""
    kept = clean_note(note)
    with ctx.db.unit_of_work() as s:
        item = _task(s, task_id)
        _lock_stock_row(s, item)
        now = ctx.clock()
        done = rowcount(
            s.execute(
                update(ReconciliationItem)
                .where(ReconciliationItem.id == item.id, ReconciliationItem.resolved_at.is_(None))
                .values(resolved_at=now, resolved_by=admin, resolution_note=kept)
                .execution_options(synchronize_session=False)
            )
        )
        if not done:
            raise _already(s, item.id)
        # the count it was resolved at (its row and, for a counted kind, its stock row are ours until commit)
        occurrences = s.scalar(select(ReconciliationItem.occurrences).where(ReconciliationItem.id == item.id))
        _tell_store(s, ctx, item.id, now)
        named = _named(s, ctx, item)
    log.info("admin %s resolved reconciliation task %s (%s at %s): %s", admin, item.id, item.kind, item.location, kept)
    return {**named, "resolved_at": now, "resolved_by": admin, "note": kept, "occurrences": occurrences}


def reopen(ctx: CentralContext, task_id: str, admin: str, note: str | None) -> dict[str, Any]:
    """Open a resolved task again, saying why; refused when it is open already, or when the problem came back as a
    newer open task of its own (it is worked on there)."""
    kept = clean_note(note)
    with ctx.db.unit_of_work() as s:
        item = _task(s, task_id)
        _lock_stock_row(s, item)
        if item.kind in COUNTED and (newer := _open_twin(s, item)) is not None:
            raise Conflict("task_open_again", "the same problem has a newer open task", since=newer)
        now = ctx.clock()
        done = rowcount(
            s.execute(
                update(ReconciliationItem)
                .where(ReconciliationItem.id == item.id, ReconciliationItem.resolved_at.isnot(None))
                .values(resolved_at=None, reopened_at=now, reopened_by=admin, reopen_note=kept)
                .execution_options(synchronize_session=False)
            )
        )
        if not done:
            raise Conflict("task_not_resolved", f"task {item.id} is open")
        _tell_store(s, ctx, item.id, None)
        named = _named(s, ctx, item)
    log.info("admin %s reopened reconciliation task %s (%s at %s): %s", admin, item.id, item.kind, item.location, kept)
    return {**named, "reopened_at": now, "reopened_by": admin, "note": kept}


def _task(s: Session, task_id: str) -> ReconciliationItem:
    item = s.get(ReconciliationItem, task_id) if len(task_id) <= 36 else None  # an id is a UUID
    if item is None:
        raise NotFound("unknown_task", f"no reconciliation task {task_id[:40]}")
    return item


def _named(s: Session, ctx: CentralContext, item: ReconciliationItem) -> dict[str, Any]:
    """What names the task in a sentence about it."""
    name = stock.location_name(s, ctx, item.location)
    return {"id": item.id, "kind": item.kind, "store_id": item.location, "store_name": name, "sku": item.sku}


def _lock_stock_row(s: Session, item: ReconciliationItem) -> None:
    """A counted kind: its stock row, as a push locks it before it looks for the open task (lock order 5 before 6)."""
    if item.kind in COUNTED and item.sku is not None:
        s.execute(
            select(StockLevel.on_hand)
            .where(StockLevel.location == item.location, StockLevel.sku == item.sku)
            .with_for_update()
        )


def _open_twin(s: Session, item: ReconciliationItem) -> Any:
    """When the open task of the same kind, store and product (another one) was raised, if there is one."""
    return s.scalar(
        select(ReconciliationItem.raised_at).where(
            ReconciliationItem.kind == item.kind,
            ReconciliationItem.location == item.location,
            ReconciliationItem.sku == item.sku,
            ReconciliationItem.resolved_at.is_(None),
            ReconciliationItem.id != item.id,
        )
    )


def _already(s: Session, task_id: str) -> Conflict:
    """The task is resolved already: by whom, when and with what note (read after the winner committed); or, were
    it opened again in between, changed by someone else."""
    by, at, note = s.execute(
        select(
            ReconciliationItem.resolved_by, ReconciliationItem.resolved_at, ReconciliationItem.resolution_note
        ).where(ReconciliationItem.id == task_id)
    ).one()
    if at is None:
        return Conflict("task_changed", f"task {task_id} was changed by another admin just now")
    return Conflict("task_already_resolved", f"task {task_id} was already resolved by {by}", by=by, at=at, note=note)


def _tell_store(s: Session, ctx: CentralContext, task_id: str, resolved_at: Any) -> None:
    """The task as the store was last sent it, with its new resolved_at and who resolved and reopened it last, when
    and with what note (reconciliation version 2); nothing for a task only head office has."""
    row = s.execute(
        select(Change.data, Change.only_store, Change.skip_store, Change.scope).where(
            Change.topic == Topic.RECONCILIATION, Change.key == task_id
        )
    ).first()
    if row is None:
        return
    by, note, reopened_at, reopened_by, reopen_note = s.execute(
        select(
            ReconciliationItem.resolved_by,
            ReconciliationItem.resolution_note,
            ReconciliationItem.reopened_at,
            ReconciliationItem.reopened_by,
            ReconciliationItem.reopen_note,
        ).where(ReconciliationItem.id == task_id)
    ).one()
    data = {
        **json.loads(row.data),
        "resolved_at": resolved_at.isoformat() if resolved_at else None,
        "resolved_by": by,
        "resolution_note": note,
        "reopened_at": reopened_at.isoformat() if reopened_at else None,
        "reopened_by": reopened_by,
        "reopen_note": reopen_note,
    }
    sent = FeedChange(Topic.RECONCILIATION, task_id, data, row.skip_store, row.only_store, row.scope)
    feed.append(s, ctx, [sent])
