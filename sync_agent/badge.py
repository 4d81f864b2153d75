"""The store server's side of the sync badge: read the agent's row and the outbox, emit "sync_status"."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import inspect

from common.db import Database
from common.tables import utcnow
from pos.adapters.config import StoreConfig
from pos.adapters.tables import SyncStatus

from . import state
from .status import badge

log = logging.getLogger(__name__)
EVERY_SECONDS = 5.0


def current_badge(db: Database, config: StoreConfig, now: datetime) -> dict[str, Any]:
    with db.sessions() as s:
        if not inspect(s.connection()).has_table(SyncStatus.__tablename__):
            row = None
        else:
            found = s.get(SyncStatus, 1)
            row = {c.name: getattr(found, c.name) for c in SyncStatus.__table__.columns} if found else None
        queue = state.queue_stats(s)
    return badge(row, queue, now, bool(config.sync.central_url and config.sync.token), config.sync.interval_seconds)


def start_badge_emitter(
    emit: Callable[[str, dict[str, Any]], None],
    db: Database,
    config: StoreConfig,
    every: float = EVERY_SECONDS,
    clock: Callable[[], datetime] = utcnow,
) -> threading.Event:
    """A daemon thread that emits the badge every few seconds to every connected till; set the event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                emit("sync_status", current_badge(db, config, clock()))
            except Exception:  # noqa: BLE001 - a badge that cannot be read must never take the store server down
                log.exception("sync badge")
            stop.wait(every)

    threading.Thread(target=loop, name="sync-badge", daemon=True).start()
    return stop
