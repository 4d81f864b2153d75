"""promotions.mixed: a multi-buy whose products may be mixed in a set as central sends it (promotion topic version 3:
"Beli 2 Gratis 1, boleh campur"); false for every promotion kept before

Revision ID: 0025_promotion_mixed
Revises: 0024_promotion_set_qty
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_promotion_mixed"
down_revision = "0024_promotion_set_qty"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("promotions") as t:
        t.add_column(sa.Column("mixed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("promotions") as t:
        t.drop_column("mixed")
