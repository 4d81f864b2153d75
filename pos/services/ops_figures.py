"""The store's health in figures, for /metrics and for the report the sync agent sends central (issue 19)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import func, select

from pos.adapters.tables import DeadLetterSeen, PrintJob, SyncStatus

from .backup_loop import STATE as BACKUPS
from .context import StoreContext
from .print_jobs import printer_status
from .sync_health import outbox_health


def app_version() -> str:
    try:
        return version("omnitoko")
    except PackageNotFoundError:
        return "unknown"


def store_figures(ctx: StoreContext) -> dict[str, Any]:
    now = ctx.clock()
    with ctx.db.sessions() as s:
        outbox = outbox_health(s, now)
        dead = s.scalar(select(func.count()).select_from(DeadLetterSeen).where(DeadLetterSeen.resolved_at.is_(None)))
        jobs = dict(s.execute(select(PrintJob.state, func.count()).group_by(PrintJob.state)).all())
        sync = s.get(SyncStatus, 1)
    printer = printer_status(ctx)
    kind = ctx.config.printer.kind

    def age(at: Any) -> float | None:
        return (now - at).total_seconds() if at is not None else None

    return {
        "version": app_version(),
        "outbox_depth": outbox["depth"],
        "outbox_oldest_seconds": outbox["oldest_age_seconds"],
        "dead_letters": int(dead or 0),
        "printer": "none" if kind == "none" else printer["level"],
        "printer_waiting": int(printer["waiting"]),
        "print_jobs": {str(k): int(v) for k, v in jobs.items()},
        "sync_round_age": age(sync.last_round_at) if sync else None,
        "sync_success_age": age(sync.last_success_at) if sync else None,
        "cursor": int(sync.cursor) if sync else 0,
        "backup_last_success": BACKUPS.last_success or None,
        "backup_failures": BACKUPS.failures,
        "backup_bytes": BACKUPS.last_bytes,
    }
