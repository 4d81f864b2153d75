"""Run the store's Alembic migrations from code (CLI, tests), and a helper the revisions of both databases use.

The store server and the sync agent each migrate when they start (issue 19): a lock file beside the SQLite file
makes two starting together take turns, and each revision is its own transaction, so an upgrade that fails
leaves the database at the last revision that worked, never half way through one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command, op
from alembic.config import Config
from sqlalchemy import Connection, MetaData
from sqlalchemy.types import TypeEngine

from common.migration_lock import migration_lock

SCRIPTS = Path(__file__).resolve().parents[2] / "migrations" / "store"


def alembic_config(url: str, scripts: Path = SCRIPTS) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(scripts))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def upgrade(url: str, revision: str = "heads", scripts: Path = SCRIPTS) -> list[str]:
    """Migrate under the database's migration lock; the revisions this call applied (none: it was up to date)."""
    cfg = alembic_config(url, scripts)
    applied: list[str] = cfg.attributes.setdefault("applied", [])
    with migration_lock(url):
        command.upgrade(cfg, revision)
    return applied


def run_revisions(context: Any, connection: Connection, metadata: MetaData, one_transaction: bool = False) -> None:
    """An env.py's online run (`context` is alembic.context): each revision in a transaction of its own, its foreign
    keys checked inside it, so a revision that fails (or leaves rows pointing nowhere) rolls back alone and the
    ones before it stay.

    `one_transaction`: all revisions in one, where the database can (central on PostgreSQL); SQLite's DDL always
    goes revision by revision in Alembic."""
    applied = context.config.attributes.get("applied")

    def after_revision(ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
        check_foreign_keys(connection)
        if applied is not None:
            applied.append(step.up_revision_id)

    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        transaction_per_migration=not one_transaction,
        on_version_apply=after_revision,
    )
    with foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()


def retype_columns(
    columns: dict[str, tuple[str, ...]], to: type[TypeEngine[int]], from_: type[TypeEngine[int]]
) -> None:
    """Inside a revision: change the type of `columns` (table -> names), keeping every row.

    PostgreSQL gets one ALTER TABLE per table, so each table is rewritten once rather than once per column.
    SQLite cannot alter a column's type: batch mode copies the table into a new one and renames it back.
    """
    bind = op.get_bind()
    for table, names in columns.items():
        if bind.dialect.name == "sqlite":
            with op.batch_alter_table(table, schema=None) as batch:
                for name in names:
                    batch.alter_column(name, type_=to(), existing_type=from_())
        else:
            sql_type = to().compile(dialect=bind.dialect)
            op.execute(
                f'ALTER TABLE "{table}" ' + ", ".join(f'ALTER COLUMN "{name}" TYPE {sql_type}' for name in names)
            )


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite: no foreign-key enforcement while migrating, checked once at the end by `check_foreign_keys`.

    Batch mode rebuilds a table (copy, drop, rename back), and SQLite refuses to drop a table other tables'
    rows refer to while enforcement is on; the pragma is a no-op inside a transaction, so it is set before.
    """
    sqlite = connection.dialect.name == "sqlite" and not connection.in_transaction()
    if sqlite:
        _to_driver(connection, "PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if sqlite:
            _to_driver(connection, "PRAGMA foreign_keys=ON")


def _to_driver(connection: Connection, sql: str) -> None:
    """Straight to the driver: through SQLAlchemy the statement would begin a transaction, where SQLite ignores it."""
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # a connection in use holds its driver connection
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def check_foreign_keys(connection: Connection) -> None:
    """Inside the migration's transaction: refuse to commit a database whose rows refer to rows that are gone."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise RuntimeError(f"migration left rows that refer to missing rows: {broken[:5]}")
