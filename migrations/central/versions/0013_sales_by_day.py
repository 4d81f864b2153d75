"""Head office's sales by store: sales.completed_at and refunds.created_at indexed (each day of the report is a
range on them)

Revision ID: 0013_sales_by_day
Revises: 0012_online_points
Create Date: 2026-12-05
"""

from alembic import op

revision = "0013_sales_by_day"
down_revision = "0012_online_points"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sales_completed_at", "sales", ["completed_at"])
    op.create_index("ix_refunds_created_at", "refunds", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_refunds_created_at", table_name="refunds")
    op.drop_index("ix_sales_completed_at", table_name="sales")
