"""price_history: every price each product has had at central (a store offline for days may sell at a price
central has since changed; a sale line's unit price is checked against all of them), filled from the products'
prices as they stand

Revision ID: 0020_price_history
Revises: 0019_first_v4_sale_seq
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_price_history"
down_revision = "0019_first_v4_sale_seq"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_history",
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sku", "price", name="pk_price_history"),
    )
    op.execute("INSERT INTO price_history (sku, price, recorded_at) SELECT sku, price, updated_at FROM products")


def downgrade() -> None:
    op.drop_table("price_history")
