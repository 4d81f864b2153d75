"""online payments through a gateway: payments, payment_notifications, payment_refunds (issue 17)

Revision ID: 0007_payments
Revises: 0006_feed_scope
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_payments"
down_revision = "0006_feed_scope"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=50), nullable=False),
        sa.Column("cart_id", sa.String(length=36), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("redirect_url", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.String(length=64), nullable=True),
        sa.Column("payment_type", sa.String(length=32), nullable=True),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("sale_id", sa.String(length=36), nullable=True),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["cart_id"], ["online_carts.id"], name=op.f("fk_payments_cart_id_online_carts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("order_id", name=op.f("uq_payments_order_id")),
    )
    op.create_index(op.f("ix_payments_cart_id"), "payments", ["cart_id"])
    op.create_table(
        "payment_notifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=True),
        sa.Column("transaction_status", sa.String(length=32), nullable=False),
        sa.Column("gross_amount", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_notifications")),
        sa.UniqueConstraint("digest", name=op.f("uq_payment_notifications_digest")),
    )
    op.create_index(op.f("ix_payment_notifications_order_id"), "payment_notifications", ["order_id"])
    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=False),
        sa.Column("refund_key", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("refund_fact_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], name=op.f("fk_payment_refunds_payment_id_payments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
        sa.UniqueConstraint("refund_key", name=op.f("uq_payment_refunds_refund_key")),
    )
    op.create_index(op.f("ix_payment_refunds_payment_id"), "payment_refunds", ["payment_id"])


def downgrade() -> None:
    op.drop_table("payment_refunds")
    op.drop_table("payment_notifications")
    op.drop_table("payments")
