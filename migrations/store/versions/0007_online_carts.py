"""online carts: synced copies of carts reserved here, and each opening of a cart at a kiosk or till

Revision ID: 0007_online_carts
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_online_carts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "online_carts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("pickup_store", sa.String(length=32), nullable=True),
        sa.Column("reserved_until", sa.DateTime(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_carts")),
        sa.UniqueConstraint("code", name=op.f("uq_online_carts_code")),
    )
    op.create_table(
        "online_cart_opens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cart_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("fence", sa.Integer(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=True),
        sa.Column("device_id", sa.String(length=32), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("kiosk_cart_id", sa.String(length=36), nullable=True),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_cart_opens")),
    )
    with op.batch_alter_table("online_cart_opens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_online_cart_opens_cart_id"), ["cart_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_online_cart_opens_kiosk_cart_id"), ["kiosk_cart_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_online_cart_opens_sale_id"), ["sale_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("online_cart_opens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_online_cart_opens_sale_id"))
        batch_op.drop_index(batch_op.f("ix_online_cart_opens_kiosk_cart_id"))
        batch_op.drop_index(batch_op.f("ix_online_cart_opens_cart_id"))
    op.drop_table("online_cart_opens")
    op.drop_table("online_carts")
