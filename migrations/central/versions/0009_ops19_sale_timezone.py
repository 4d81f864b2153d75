"""sales.timezone: the store's time zone that sale.completed version 2 carries (none for version 1 sales)

Revision ID: 0009_ops19_sale_timezone
Revises: 0008_merge_round_heads
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_ops19_sale_timezone"
down_revision = "0008_merge_round_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch:
        batch.drop_column("timezone")
