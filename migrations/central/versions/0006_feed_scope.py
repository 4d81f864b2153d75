"""feed scoped to who needs it: changes.scope (+ index on scope, seq), stores.region and stores.neighbours

Revision ID: 0006_feed_scope
Revises: 0005_bigint_money
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_feed_scope"
down_revision = "0005_bigint_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=32), nullable=True))
    # Existing rows: a store's own rows are scoped to it, stock figures to their location, the rest stays global.
    op.execute("UPDATE changes SET scope = only_store WHERE only_store IS NOT NULL")
    op.execute("UPDATE changes SET scope = skip_store WHERE topic = 'stock' AND skip_store IS NOT NULL")
    op.create_index("ix_changes_scope_seq", "changes", ["scope", "seq"])
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("region", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("neighbours", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("neighbours")
        batch.drop_column("region")
    op.drop_index("ix_changes_scope_seq", table_name="changes")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("scope")
