"""Is this store in step with the central store? Outbox depth and age, the agent's last success and error,
dead-lettered events (retry or discard, audit logged) and reconciliation items raised by central: open, and those
head office resolved in the last 30 days (who, when, the note).

The sync agent's own tables may not exist yet on a store that has never synced: then the page says so
instead of failing.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, inspect, select
from sqlalchemy.orm import Session

from common.contract.names import EventType
from common.errors import DomainError, NotFound
from common.refusals import REFUSALS, why
from pos.adapters.tables import OutboxEvent, Product, ReconciliationItem, Sale

from . import print_jobs, sync_tables
from .auth import Actor
from .context import StoreContext
from .records import audit, emit_event
from .stock_admin import DEVICE
from .stock_queries import below_zero
from .transfer_views import DIFFERENCE

RESOLVED_DAYS = 30  # how far back the manager's "Selesai" list of tasks head office resolved goes
# what head office's resolution and reopening say on each item (reconciliation topic version 2)
HEAD_OFFICE = ("resolved_at", "resolved_by", "resolution_note", "reopened_at", "reopened_by", "reopen_note")


def _has_table(s: Session, name: str) -> bool:
    return inspect(s.connection()).has_table(name)


def outbox_health(s: Session, now: datetime) -> dict[str, Any]:
    unsent = OutboxEvent.acked_at.is_(None)
    depth = int(s.scalar(select(func.count(OutboxEvent.event_id)).where(unsent)) or 0)
    oldest = s.scalar(select(func.min(OutboxEvent.created_at)).where(unsent))
    by_type = [
        {"type": t, "count": int(c), "oldest": o}
        for t, c, o in s.execute(
            select(OutboxEvent.type, func.count(OutboxEvent.event_id), func.min(OutboxEvent.created_at))
            .where(unsent)
            .group_by(OutboxEvent.type)
            .order_by(func.count(OutboxEvent.event_id).desc())
        )
    ]
    return {
        "depth": depth,
        "oldest_unsent_at": oldest,
        "oldest_age_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "last_acked_at": s.scalar(select(func.max(OutboxEvent.acked_at))),
        "acked": int(s.scalar(select(func.count(OutboxEvent.event_id)).where(OutboxEvent.acked_at.is_not(None))) or 0),
        "by_type": by_type,
    }


def reconciliation(s: Session) -> list[dict[str, Any]]:
    """Open items, each with what a person reads for its reference: the receipt number of the sale it names (or
    the short id a transfer goes by), and its product's name and measure; one head office opened again says who
    did, when and why."""
    return _items(s, ReconciliationItem.resolved_at.is_(None), ReconciliationItem.raised_at.desc())


def resolved(s: Session, since: datetime) -> list[dict[str, Any]]:
    """Items head office resolved since `since` (its clock, as the feed sent it), latest first: the manager's
    "Selesai" list, with who resolved each and the note they wrote (none from an older central)."""
    return _items(s, ReconciliationItem.resolved_at >= since, ReconciliationItem.resolved_at.desc())


def _items(s: Session, which: ColumnElement[bool], order: ColumnElement[Any]) -> list[dict[str, Any]]:
    rows = list(s.scalars(select(ReconciliationItem).where(which).order_by(order).limit(500)))
    details = [json.loads(r.detail or "{}") for r in rows]
    refs = [r.ref_id for r in rows if r.ref_id]
    numbers = {i: n for i, n in s.execute(select(Sale.id, Sale.number).where(Sale.id.in_(refs)))} if refs else {}
    skus = {r.sku for r in rows if r.sku} | {str(l.get("sku")) for d in details for l in d.get("lines") or []}
    products = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_(skus)))} if skus else {}
    out = []
    for r, detail in zip(rows, details, strict=True):
        product = products.get(r.sku or "")
        lines = [
            {**l, "name": products[l["sku"]].name, "measure": products[l["sku"]].measure}
            if l.get("sku") in products
            else l
            for l in detail.get("lines") or []
        ]
        if lines:  # a transfer's lines with their names and measures (a weighed product's figures are grams)
            detail = {**detail, "lines": lines}
        ref = numbers.get(r.ref_id or "") or detail.get("number")
        if ref is None and r.kind == DIFFERENCE and r.ref_id:
            ref = r.ref_id[:8].upper()  # as the transfer screen names a transfer
        out.append(
            {
                "id": r.id,
                "kind": r.kind,
                "sku": r.sku,
                "name": product.name if product else None,
                "measure": product.measure if product else None,
                "ref_id": r.ref_id,
                "ref": ref,
                "message": r.message,
                "detail": detail,
                "raised_at": r.raised_at,
                **{key: getattr(r, key) for key in HEAD_OFFICE},
            }
        )
    return out


def sync_health(ctx: StoreContext, lang: str = "en") -> dict[str, Any]:
    now = ctx.clock()
    with ctx.db.sessions() as s:
        outbox = outbox_health(s, now)
        agent = sync_tables.agent_status(s) if sync_tables.available(s) else None
        dead = sync_tables.dead_letters(s) if agent is not None else []
        kept = _has_table(s, ReconciliationItem.__tablename__)
        items = reconciliation(s) if kept else []
        done = resolved(s, now - timedelta(days=RESOLVED_DAYS)) if kept else []
    state = "not_synced" if agent is None and outbox["acked"] == 0 else "ok"
    failing = (
        agent is not None
        and agent["last_error_at"] is not None
        and (agent["last_success_at"] is None or agent["last_error_at"] > agent["last_success_at"])
    )
    if dead or failing:
        state = "error"
    return {
        "state": state,
        "now": now,
        "outbox": outbox,
        "agent": agent,
        "dead_letters": dead,
        "refused": refused(dead, lang),
        "clock": clock(agent),
        "reconciliation": items,
        "resolved": done,
        "resolved_days": RESOLVED_DAYS,
        "below_zero": below_zero(ctx),
        "printer": print_jobs.printer_status(ctx),  # the till's badge, for a manager away from the till
    }


def clock(agent: dict[str, Any] | None) -> dict[str, Any] | None:
    """This store's clock as the central store measured it on the last pull, and whether it is past central's bound
    (receipts and reports print the store's clock: a wrong one puts sales on the wrong day)."""
    if agent is None or agent.get("clock_skew_seconds") is None or not agent.get("clock_skew_bound_seconds"):
        return None
    skew, bound = agent["clock_skew_seconds"], agent["clock_skew_bound_seconds"]
    return {
        "skew_seconds": skew,
        "bound_seconds": bound,
        "checked_at": agent["clock_checked_at"],
        "warning": abs(skew) > bound,
        "ahead": skew > 0,
    }


def refused(dead: list[dict[str, Any]], lang: str = "en") -> dict[str, Any]:
    """Dead letters central's checks refused (the event did not hold up, and head office sees the store flagged),
    each with a line saying what was wrong beside central's exact reason."""
    rows = [d for d in dead if d["code"] in REFUSALS]
    for d in dead:
        d["why"] = why(d["code"], lang) or d["code"]  # a dead letter that is not a refusal keeps its code
    last = max(rows, key=lambda d: (d["failed_at"], d["store_seq"])) if rows else None
    return {"count": len(rows), "last": last}


def act_on_dead_letter(ctx: StoreContext, actor: Actor, event_id: str, action: str, note: str = "") -> dict[str, Any]:
    """Retry (back into the push queue) or discard a dead-lettered event; either way it is audit logged."""
    if action not in ("retry", "discard"):
        raise DomainError("bad_action", f"unknown action {action!r}: retry or discard", action=action)
    with ctx.db.unit_of_work() as s:
        if not sync_tables.available(s):
            raise NotFound("not_synced", "this store has not synced yet: there are no dead-lettered events")
        event = sync_tables.act(s, event_id, action, ctx.clock())
        kept_note = (note or "").strip()[:200] or None
        # Central holds the refused event and does the retry or discard; this event asks it to.
        emit_event(
            s,
            ctx,
            EventType.DEAD_LETTER_RETRY if action == "retry" else EventType.DEAD_LETTER_DISCARD,
            {"event_id": event_id, "store_id": ctx.store_id, "staff_id": actor.staff_id, "note": kept_note},
            DEVICE,
        )
        audit(
            s,
            ctx,
            f"dead_letter_{action}",
            requested_by=actor.staff_id,
            approved_by=actor.staff_id,
            ref_id=event_id,
            detail={
                "type": event["type"],
                "store_seq": event["store_seq"],
                "code": event["code"],
                "reason": event["reason"],
                "note": kept_note,
            },
        )
    return event
