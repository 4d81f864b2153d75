"""Alembic environment for the central database; the URL comes from the caller, never a file."""

from alembic import context

from central.tables import CentralBase
from common.db import make_engine
from pos.adapters.migrate import check_foreign_keys, foreign_keys_off

config = context.config
target_metadata = CentralBase.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url", ""))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with foreign_keys_off(connection), context.begin_transaction():
        before = context.get_context().get_current_heads()
        context.run_migrations()
        if context.get_context().get_current_heads() != before:  # a start with nothing to do scans nothing
            check_foreign_keys(connection)


run_migrations_online()
