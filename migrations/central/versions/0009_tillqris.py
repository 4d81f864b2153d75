"""dynamic QRIS at the till: till_charges and till_charge_refunds (issue 17 points 4 and 5)

Revision ID: 0009_tillqris
Revises: 0008_merge_round_heads
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_tillqris"
down_revision = "0008_merge_round_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "till_charges",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=50), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("qr_string", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_till_charges")),
        sa.UniqueConstraint("order_id", name=op.f("uq_till_charges_order_id")),
    )
    op.create_index(op.f("ix_till_charges_store_id"), "till_charges", ["store_id"])
    op.create_index(op.f("ix_till_charges_sale_id"), "till_charges", ["sale_id"])
    op.create_table(
        "till_charge_refunds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("charge_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_id"], ["till_charges.id"], name=op.f("fk_till_charge_refunds_charge_id_till_charges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_till_charge_refunds")),
    )
    op.create_index(op.f("ix_till_charge_refunds_charge_id"), "till_charge_refunds", ["charge_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_till_charge_refunds_charge_id"), table_name="till_charge_refunds")
    op.drop_table("till_charge_refunds")
    op.drop_index(op.f("ix_till_charges_sale_id"), table_name="till_charges")
    op.drop_index(op.f("ix_till_charges_store_id"), table_name="till_charges")
    op.drop_table("till_charges")
