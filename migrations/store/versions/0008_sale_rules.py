"""promotions on till lines and the manager approval that covers a sale's discounts

Revision ID: 0008_sale_rules
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_sale_rules"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_approved_by", sa.String(length=36), nullable=True))
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promotion_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.drop_column("promotion_id")
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_column("discount_approved_by")
