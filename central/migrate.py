"""Run the central store's Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.pool import NullPool

from common.migration_lock import migration_lock

SCRIPTS = Path(__file__).resolve().parents[1] / "migrations" / "central"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


# pg_advisory_lock key: "omnitoko central migrations" (any constant; the same in every process and host).
MIGRATION_LOCK = 0x0A1B_0019


def upgrade(url: str, revision: str = "heads") -> None:
    """Migrate; on PostgreSQL under an advisory lock, so services starting together migrate one at a time (the
    second finds nothing to do). The revisions run in one transaction there: never half applied. On SQLite (the
    demo) under the lock file beside the database, revision by revision."""
    if not url.startswith("postgresql"):
        with migration_lock(url):
            command.upgrade(alembic_config(url), revision)
        return
    from sqlalchemy import text

    from common.db import make_engine

    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
            lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(url), revision)
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
    finally:
        engine.dispose()
