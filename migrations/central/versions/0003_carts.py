"""online carts: carts and lines, the order each becomes, click-and-collect reservations

Revision ID: 0003_carts
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_carts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "online_carts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("fence", sa.Integer(), nullable=False),
        sa.Column("claim_store", sa.String(length=32), nullable=True),
        sa.Column("claim_device", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=True),
        sa.Column("pickup_store", sa.String(length=32), nullable=True),
        sa.Column("reserved_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_carts")),
        sa.UniqueConstraint("code", name=op.f("uq_online_carts_code")),
    )
    op.create_table(
        "online_cart_lines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cart_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("price_added", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["online_carts.id"], name=op.f("fk_online_cart_lines_cart_id_online_carts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_cart_lines")),
        sa.UniqueConstraint("cart_id", "sku", name=op.f("uq_online_cart_lines_cart_id")),
    )
    op.create_table(
        "cart_orders",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cart_id", sa.String(length=36), nullable=False),
        sa.Column("checkout_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=True),
        sa.Column("device_id", sa.String(length=32), nullable=True),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("number", sa.String(length=48), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("paid_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["cart_id"], ["online_carts.id"], name=op.f("fk_cart_orders_cart_id_online_carts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_orders")),
        sa.UniqueConstraint("cart_id", name=op.f("uq_cart_orders_cart_id")),
        sa.UniqueConstraint("checkout_id", name=op.f("uq_cart_orders_checkout_id")),
    )
    op.create_table(
        "cart_reservations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("cart_id", sa.String(length=36), nullable=False),
        sa.Column("location", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["cart_id"], ["online_carts.id"], name=op.f("fk_cart_reservations_cart_id_online_carts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cart_reservations")),
    )
    with op.batch_alter_table("cart_reservations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cart_reservations_cart_id"), ["cart_id"], unique=False)
        batch_op.create_index("ix_cart_reservations_location_sku", ["location", "sku"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cart_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_cart_reservations_location_sku")
        batch_op.drop_index(batch_op.f("ix_cart_reservations_cart_id"))
    op.drop_table("cart_reservations")
    op.drop_table("cart_orders")
    op.drop_table("online_cart_lines")
    op.drop_table("online_carts")
