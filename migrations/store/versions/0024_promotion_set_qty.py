"""promotions.set_qty: a multi-buy promotion's set size as central sends it (promotion topic version 2: "2 untuk
Rp 10.000" is 2, "Beli 2 Gratis 1" is 3); NULL for percent and amount promotions

Revision ID: 0024_promotion_set_qty
Revises: 0023_price_changes
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_promotion_set_qty"
down_revision = "0023_price_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotions") as t:
        t.add_column(sa.Column("set_qty", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promotions") as t:
        t.drop_column("set_qty")
