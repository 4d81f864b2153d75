"""promotions.mixed and promotion_terms.mixed: a multi-buy whose products may be mixed in a set ("Beli 2 Gratis 1,
boleh campur"); false for every promotion saved before (each counted sets on one line of one SKU)

Revision ID: 0022_promotion_mixed
Revises: 0021_reconciliation_resolution
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_promotion_mixed"
down_revision = "0021_reconciliation_resolution"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("promotions", "promotion_terms"):
        with op.batch_alter_table(table) as t:
            t.add_column(sa.Column("mixed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for table in ("promotion_terms", "promotions"):
        with op.batch_alter_table(table) as t:
            t.drop_column("mixed")
