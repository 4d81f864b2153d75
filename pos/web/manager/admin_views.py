"""Sync health (outbox, agent, dead letters, reconciliation open and resolved) and the audit log, each table with
CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, request, url_for

from common.errors import DomainError
from pos.services import audit_log, manager_access, sync_health
from pos.services.store_time import to_local
from pos.services.transfer_views import DIFFERENCE

from ..api.common import ctx
from . import fmt
from .access import err, me, page, t
from .report_views import parse_date
from .tables import Table

SYNC_COLUMNS = {
    "outbox": [("type", "event"), ("count", "int"), ("oldest", "datetime")],
    "dead_letters": [
        ("failed_at", "datetime"),
        ("type", "event"),
        ("store_seq", "int"),
        ("why", "text"),  # what was refused, in the page's language (not the code)
        ("reason", "text"),
        ("asked", "asked"),
        ("ref", "text"),  # the receipt or order number, not the event's id
    ],
    "reconciliation": [
        ("raised_at", "datetime"),
        ("kind", "recon"),
        ("sku", "text"),
        ("ref", "text"),  # the receipt number or the transfer's short id, never a UUID
        ("message", "text"),
    ],
    "resolved": [  # "Selesai": what head office resolved in the last 30 days, latest first
        ("resolved_at", "datetime"),
        ("resolved_by", "text"),
        ("resolution_note", "text"),
        ("kind", "recon"),
        ("sku", "text"),
        ("ref", "text"),
        ("message", "text"),
    ],
    "below_zero": [("sku", "text"), ("name", "text"), ("on_hand", "int")],
}
# an open task head office opened again: who, when and why (the columns only while one is listed)
REOPENED = [("reopened_at", "datetime"), ("reopened_by", "text"), ("reopen_note", "text")]


def said(item: dict[str, Any]) -> str:
    """A reconciliation item in the manager's language, from its details; central's own words for a kind (or an
    item from an older central) the screens have no words for."""
    d, kind = item["detail"], item["kind"]
    try:
        if kind == "below_zero":
            on_hand = fmt.qty(int(d["on_hand"]), measure=item["measure"])
            return t("recon.say.below_zero", name=item["name"] or item["sku"], on_hand=on_hand)
        if kind == "cart_conflict":
            return t("recon.say.cart_conflict", code=d["code"], number=d["number"])
        if kind == DIFFERENCE:
            lines = "; ".join(
                t(
                    "transfer.difference_line",
                    sku=l.get("name") or l["sku"],
                    sent=fmt.qty(l["sent"], measure=l.get("measure")),
                    received=fmt.qty(l["received"], measure=l.get("measure")),
                )
                for l in d["lines"]
            )
            return t("recon.say.transfer_difference", src=d["from_store"], dst=d["to_store"], lines=lines)
    except (KeyError, TypeError, ValueError):
        pass
    return str(item["message"])


def _local(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [{**r, **{k: to_local(ctx(), r[k]) if r.get(k) else None for k in keys}} for r in rows]


def sync_tables() -> tuple[dict[str, Any], dict[str, Table]]:
    health = sync_health.sync_health(ctx(), g.lang)  # what was refused in the page's language
    rows = {
        "outbox": _local(health["outbox"]["by_type"], "oldest"),
        "dead_letters": _local(health["dead_letters"], "failed_at"),
        "reconciliation": [
            {**r, "message": said(r)} for r in _local(health["reconciliation"], "raised_at", "reopened_at")
        ],
        "resolved": [{**r, "message": said(r)} for r in _local(health["resolved"], "resolved_at")],
        "below_zero": health["below_zero"],
    }
    reopened = any(r["reopened_by"] for r in rows["reconciliation"])
    tables = {
        name: Table(
            f"sync-{name}",
            SYNC_COLUMNS[name] + (REOPENED if name == "reconciliation" and reopened else []),
            rows[name],
            url_for("manager.sync_csv", name=name),
            {"sku": "manager.item"},
        )
        for name in SYNC_COLUMNS
    }
    for key in ("oldest_unsent_at", "last_acked_at"):
        if health["outbox"][key]:
            health["outbox"][key] = to_local(ctx(), health["outbox"][key])
    for key in ("last_success_at", "last_error_at", "last_round_at"):
        if health["agent"] and health["agent"].get(key):
            health["agent"][key] = to_local(ctx(), health["agent"][key])
    return health, tables


def audit_table() -> tuple[dict[str, Any], Table]:
    a = request.args
    data = audit_log.audit_log(
        ctx(),
        action=a.get("action", ""),
        start=parse_date(a.get("from")),
        end=parse_date(a.get("to")),
        staff=a.get("staff", ""),
        approved_only=bool(a.get("approved")),
        locale=g.get("lang", "id"),
    )
    args: dict[str, Any] = {k: v for k, v in a.items() if k in ("action", "from", "to", "staff", "approved") and v}
    args.setdefault("from", data["start"].isoformat())
    args.setdefault("to", data["end"].isoformat())
    return data, Table("audit-log", audit_log.COLUMNS, data["rows"], url_for("manager.audit_csv", **args))


def register(bp: Blueprint) -> None:
    def sync_page(status: int = 200, **extra: Any):
        health, tables = sync_tables()
        return page("sync.html", status, health=health, tables=tables, **extra)

    @bp.get("/sync")
    def sync():
        return sync_page()

    @bp.get("/sync/<name>.csv")
    def sync_csv(name: str):
        if name not in SYNC_COLUMNS:
            abort(404)
        return sync_tables()[1][name].csv()

    @bp.post("/sync/dead-letters/<event_id>")
    def dead_letter(event_id: str):
        action = request.form.get("action", "")
        try:
            sync_health.act_on_dead_letter(ctx(), me(), event_id, action, request.form.get("note", ""))
        except DomainError as e:
            return sync_page(e.status, error=err(e))
        flash(t(f"sync.dead_{action}_done", event=event_id[:8]), "ok")
        return redirect(url_for("manager.sync"))

    @bp.get("/audit")
    def audit():
        try:
            data, table = audit_table()
        except DomainError as e:
            return page("audit.html", e.status, data=None, table=None, error=err(e), args=request.args)
        return page("audit.html", data=data, table=table, args=request.args)

    @bp.get("/audit.csv")
    def audit_csv():
        return audit_table()[1].csv()

    @bp.get("/locks")
    def locks():
        return page("locks.html", locks=manager_access.locks(ctx()))

    @bp.post("/locks")
    def lift_lock():
        key = request.form.get("key", "")[:120]
        lifted = manager_access.lift_lock(ctx(), me(), key)
        flash(
            t("locks.lifted" if lifted else "locks.not_locked", what=key.partition(":")[2]), "ok" if lifted else "error"
        )
        return redirect(url_for("manager.locks"))
