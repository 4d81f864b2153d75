"""The store server's backup thread: one backup at start, then every [backup] interval_minutes.

It runs in the store server (beside the print worker and the sync badge), not in the sync agent: a store that
does not sync still needs its backups, and the server is the process that is always up.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pos.adapters import backups
from pos.adapters.config import StoreConfig

log = logging.getLogger(__name__)


@dataclass
class BackupState:
    """What /metrics and the logs tell about backups (this process)."""

    last_success: float = 0.0  # unix time
    last_failure: float = 0.0
    failures: int = 0
    last_file: str = ""
    last_bytes: int = 0


STATE = BackupState()


def backup_now(config: StoreConfig) -> Path | None:
    """One backup into [backup] dir; failures are logged and counted, never raised (a till keeps selling)."""
    try:
        made = backups.take(
            backups.sqlite_path(config.database.url), Path(config.backup.dir), config.store.id, config.backup.keep
        )
    except Exception as e:  # noqa: BLE001 - a full or missing disk must not stop the store server
        STATE.failures += 1
        STATE.last_failure = time.time()
        log.error("backup failed: %s: %s", type(e).__name__, e)
        return None
    STATE.last_success, STATE.last_file, STATE.last_bytes = time.time(), str(made), made.stat().st_size
    log.info("backup written: %s (%d bytes)", made, STATE.last_bytes)
    return made


def start_backups(config: StoreConfig) -> threading.Event | None:
    """Start the thread when [backup] dir is set; set the returned event to stop it."""
    if not config.backup.dir:
        return None
    stop = threading.Event()
    interval = config.backup.interval_minutes * 60.0

    def loop() -> None:
        backup_now(config)
        while not stop.wait(interval):
            backup_now(config)

    threading.Thread(target=loop, name="omnitoko-backup", daemon=True).start()
    return stop
