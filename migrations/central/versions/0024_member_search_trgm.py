"""Trigram indexes for the admin's member search on PostgreSQL (nothing on SQLite): a search matches part of a name,
an e-mail or a phone, or the start of a member number, which no B-tree serves; with these a search reads the members
it finds instead of every member (pg_trgm's GIN opclass serves the search's ILIKE and LIKE as they are).

pg_trgm comes with PostgreSQL (contrib) and is a trusted extension: the database's owner may create it. Where the
user migrating may not (or the server lacks it), the upgrade goes on without the indexes and logs what a DBA should
run; searches then read every member, as before.

Revision ID: 0024_member_search_trgm
Revises: 0023_refund_staff
Create Date: 2026-12-06
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0024_member_search_trgm"
down_revision = "0023_refund_staff"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# index: column. Every column the search reads: one without an index makes PostgreSQL read the whole table.
INDEXES = {
    "ix_members_name_trgm": "name",
    "ix_members_email_trgm": "email",
    "ix_members_phone_trgm": "phone",
    "ix_members_number_trgm": "number",
}


def index_sql(opclass: str = "gin_trgm_ops") -> list[str]:
    return [
        f"CREATE INDEX IF NOT EXISTS {ix} ON members USING gin (lower({col}) {opclass})" for ix, col in INDEXES.items()
    ]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _trgm_schema(bind)
    if schema is None:
        return
    for sql in index_sql(f"{schema}.gin_trgm_ops"):  # qualified: the extension's schema need not be on search_path
        op.execute(sql)


def _trgm_schema(bind: sa.Connection) -> str | None:
    """The schema pg_trgm is in, created in `public` if it is nowhere yet (one per database: not in the app's own
    schema, where dropping that schema would take it from every other); None, with a warning, if it cannot be."""
    find = sa.text(
        "SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    found = bind.scalar(find)
    if found:
        return str(found)
    try:
        with bind.begin_nested():  # a savepoint: the failure must not abort the upgrade's transaction
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except sa.exc.DBAPIError as e:
        reason = str(getattr(e, "orig", e)).strip().splitlines()[0]
        log.warning(
            "Member search by name stays slow (it reads every member): could not create the pg_trgm extension "
            "(%s). A DBA should run, in this database: CREATE EXTENSION IF NOT EXISTS pg_trgm; %s;",
            reason,
            "; ".join(index_sql()),
        )
        return None
    return "public"


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for ix in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {ix}")  # the extension stays: others may use it
