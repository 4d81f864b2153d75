"""cash refunds are rounded like cash sales: the rounding a refund's amount includes

Revision ID: 0010_refund_rounding
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_refund_rounding"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rounding", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("rounding")
