"""The central database is built by its migrations alone, and they match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from synckit import central, pg_url  # noqa: F401

from central.tables import CentralBase


def test_the_migrated_schema_matches_the_models(central):
    with central.ctx.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, CentralBase.metadata) == []
