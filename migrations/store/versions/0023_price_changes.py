"""price changes for shelf labels: each shelf price central changed, pending until a manager marks its new label
put up (the manager's "Label harga" screen)

Revision ID: 0023_price_changes
Revises: 0022_sale_member_balance
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_price_changes"
down_revision = "0022_sale_member_balance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_changes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("old_price", sa.BigInteger(), nullable=False),
        sa.Column("new_price", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("labelled_at", sa.DateTime(), nullable=True),
        sa.Column("labelled_by", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_changes")),
    )
    op.create_index(op.f("ix_price_changes_sku"), "price_changes", ["sku"])
    op.create_index(op.f("ix_price_changes_labelled_at"), "price_changes", ["labelled_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_price_changes_labelled_at"), table_name="price_changes")
    op.drop_index(op.f("ix_price_changes_sku"), table_name="price_changes")
    op.drop_table("price_changes")
