"""Alembic environment for the store database; the URL comes from the caller, never a file."""

from alembic import context

from common.db import make_engine
from pos.adapters.migrate import run_revisions
from pos.adapters.tables import Base

config = context.config
target_metadata = Base.metadata


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
    run_revisions(context, connection, target_metadata)


run_migrations_online()
