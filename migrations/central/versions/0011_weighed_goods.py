"""Weighed and label-priced goods (issue 16 point 2): products.measure and products.plu, sale_lines.measure

Revision ID: 0011_weighed_goods
Revises: 0010_merge_orders_transfers
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_weighed_goods"
down_revision = "0010_merge_orders_transfers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("measure", sa.String(8), nullable=False, server_default="unit"))
        batch.add_column(sa.Column("plu", sa.String(8), nullable=True))
        batch.create_unique_constraint("uq_products_plu", ["plu"])
    with op.batch_alter_table("sale_lines") as batch:
        batch.add_column(sa.Column("measure", sa.String(8), nullable=False, server_default="unit"))


def downgrade() -> None:
    with op.batch_alter_table("sale_lines") as batch:
        batch.drop_column("measure")
    with op.batch_alter_table("products") as batch:
        batch.drop_constraint("uq_products_plu", type_="unique")
        batch.drop_column("plu")
        batch.drop_column("measure")
