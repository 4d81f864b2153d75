"""dynamic QRIS at the till: qris_charges, and the gateway's reference on a refund (issue 17)

Revision ID: 0012_tillqris
Revises: 0011_bigint_money
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_tillqris"
down_revision = "0011_bigint_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qris_charges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("qr_string", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("tender_id", sa.String(length=36), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"], name=op.f("fk_qris_charges_sale_id_sales")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qris_charges")),
    )
    op.create_index(op.f("ix_qris_charges_sale_id"), "qris_charges", ["sale_id"])
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_column("reference")
    op.drop_index(op.f("ix_qris_charges_sale_id"), table_name="qris_charges")
    op.drop_table("qris_charges")
