"""Two B-tree pages fewer in a sale's completion (issue 18 point 5: the WAL pages its FULL commit must flush):

- outbox: keyed by store_seq (SQLite's rowid), so the gap-free sequence no longer needs an index of its own; the
  event id keeps its uniqueness in one;
- each till's receipt sequence moves from `tills.receipt_seq` into `counters` (named `receipt_seq:<till>`), beside
  `store_seq`: a completion bumps both on one page instead of one page in each table.

Revision ID: 0018_outbox_and_counters_pages
Revises: 0017_sale_rows_fewer_btrees
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_outbox_and_counters_pages"
down_revision = "0017_sale_rows_fewer_btrees"
branch_labels = None
depends_on = None

_COLUMNS = "event_id, store_seq, store_id, device_id, type, schema_version, payload, payload_hash, created_at, acked_at"


def _outbox(name: str, keyed_by_seq: bool) -> str:
    keys = (
        "CONSTRAINT pk_outbox PRIMARY KEY (store_seq), CONSTRAINT uq_outbox_event_id UNIQUE (event_id)"
        if keyed_by_seq
        else "CONSTRAINT pk_outbox PRIMARY KEY (event_id), CONSTRAINT uq_outbox_store_seq UNIQUE (store_seq)"
    )
    return (
        f"CREATE TABLE {name} (event_id VARCHAR(36) NOT NULL, store_seq INTEGER NOT NULL, "
        "store_id VARCHAR(32) NOT NULL, device_id VARCHAR(32) NOT NULL, type VARCHAR(48) NOT NULL, "
        "schema_version INTEGER NOT NULL, payload TEXT NOT NULL, payload_hash VARCHAR(64) NOT NULL, "
        f"created_at DATETIME NOT NULL, acked_at DATETIME, {keys})"
    )


def _rebuild_outbox(keyed_by_seq: bool) -> None:
    op.execute(_outbox("_outbox_new", keyed_by_seq))
    op.execute(f"INSERT INTO _outbox_new ({_COLUMNS}) SELECT {_COLUMNS} FROM outbox ORDER BY store_seq")
    op.execute("DROP TABLE outbox")
    op.execute("ALTER TABLE _outbox_new RENAME TO outbox")
    op.create_index("ix_outbox_unsent", "outbox", ["acked_at", "store_seq"], unique=False)


def upgrade() -> None:
    _rebuild_outbox(keyed_by_seq=True)
    op.execute(
        "INSERT INTO counters (name, value) SELECT 'receipt_seq:' || id, receipt_seq FROM tills "
        "WHERE true ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)"
    )
    with op.batch_alter_table("tills") as batch:
        batch.drop_column("receipt_seq")


def downgrade() -> None:
    with op.batch_alter_table("tills") as batch:
        batch.add_column(sa.Column("receipt_seq", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE tills SET receipt_seq = COALESCE((SELECT value FROM counters WHERE name = 'receipt_seq:' || tills.id), 0)"
    )
    op.execute("DELETE FROM counters WHERE name LIKE 'receipt_seq:%'")
    _rebuild_outbox(keyed_by_seq=False)
