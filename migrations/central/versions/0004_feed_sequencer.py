"""feed numbered by a sequencer (changes.seq NULL while pending), 64-bit sequence counters

Revision ID: 0004_feed_sequencer
Revises: 0002_loyalty, 0003_carts
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_feed_sequencer"
down_revision = ("0002_loyalty", "0003_carts")
branch_labels = None
depends_on = None

COUNTERS = (
    ("changes", "seq"),
    ("central_meta", "feed_seq"),
    ("stores", "last_seq"),
    ("applied_events", "store_seq"),
    ("dead_letters", "store_seq"),
)


def upgrade() -> None:
    for table, column in COUNTERS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.Integer(), type_=sa.BigInteger())
    with op.batch_alter_table("changes") as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=True)
    op.create_index(
        "ix_changes_pending",
        "changes",
        ["changed_at"],
        postgresql_where=sa.text("seq IS NULL"),
        sqlite_where=sa.text("seq IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_changes_pending", table_name="changes")
    op.execute("DELETE FROM changes WHERE seq IS NULL")
    for table, column in COUNTERS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.BigInteger(), type_=sa.Integer(), nullable=False)
