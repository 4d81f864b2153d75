"""stores.timezone: each store's own clock, for head office's reports by the store's own days; filled from the zone
of each store's latest sale that names one (sale.completed version 2 on)

Revision ID: 0014_store_timezone
Revises: 0013_sales_by_day
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_store_timezone"
down_revision = "0013_sales_by_day"
branch_labels = None
depends_on = None

# The latest sale first: the zone a store names now is the one its day is counted by. One index walk per store
# (sales.store_id); a store whose sales name no zone keeps NULL (the shop's clock).
LATEST_ZONE = """
UPDATE stores SET timezone = (
    SELECT s.timezone FROM sales s
    WHERE s.store_id = stores.id AND s.timezone IS NOT NULL
    ORDER BY s.recorded_at DESC, s.completed_at DESC
    LIMIT 1
)
"""


def upgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))
    op.execute(LATEST_ZONE)


def downgrade() -> None:
    with op.batch_alter_table("stores") as batch:
        batch.drop_column("timezone")
