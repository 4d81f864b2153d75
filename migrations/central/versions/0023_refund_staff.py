"""refunds.staff_id, approved_by and shift_id, sales.discount_approved_by: who refunded, which manager approved and
on which shift, and the manager who approved a sale's cashier discounts (sale.completed version 5), as the stores
send them (null for what was recorded before, and for older events that do not say); and stores.first_v5_sale_seq:
the store_seq of the first sale.completed version 5 central accepted from each store, filled from the events already
applied (central.services.sale_versions)

Revision ID: 0023_refund_staff
Revises: 0022_promotion_mixed
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_refund_staff"
down_revision = "0022_promotion_mixed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("refunds") as t:
        t.add_column(sa.Column("staff_id", sa.String(36), nullable=True))
        t.add_column(sa.Column("approved_by", sa.String(36), nullable=True))
        t.add_column(sa.Column("shift_id", sa.String(36), nullable=True))
    with op.batch_alter_table("sales") as t:
        t.add_column(sa.Column("discount_approved_by", sa.String(36), nullable=True))
    approved = sa.text("discount_approved_by IS NOT NULL")
    op.create_index("ix_sales_approved_at", "sales", ["completed_at"], postgresql_where=approved, sqlite_where=approved)
    with op.batch_alter_table("stores") as t:
        t.add_column(sa.Column("first_v5_sale_seq", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE stores SET first_v5_sale_seq = (SELECT MIN(a.store_seq) FROM applied_events a "
        "WHERE a.store_id = stores.id AND a.type = 'sale.completed' AND a.schema_version >= 5 "
        "AND a.outcome = 'applied')"
    )


def downgrade() -> None:
    with op.batch_alter_table("stores") as t:
        t.drop_column("first_v5_sale_seq")
    op.drop_index("ix_sales_approved_at", table_name="sales")
    with op.batch_alter_table("sales") as t:
        t.drop_column("discount_approved_by")
    with op.batch_alter_table("refunds") as t:
        t.drop_column("shift_id")
        t.drop_column("approved_by")
        t.drop_column("staff_id")
