"""manager screens: stock counts, low-stock thresholds, remote stock, reconciliation items

Revision ID: 0004_manager
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_manager"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_counts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=36), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["category"], ["categories.code"], name=op.f("fk_stock_counts_category_categories")),
        sa.ForeignKeyConstraint(["closed_by"], ["staff.id"], name=op.f("fk_stock_counts_closed_by_staff")),
        sa.ForeignKeyConstraint(["started_by"], ["staff.id"], name=op.f("fk_stock_counts_started_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_counts")),
        sa.UniqueConstraint("number", name=op.f("uq_stock_counts_number")),
    )
    with op.batch_alter_table("stock_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_counts_state"), ["state"], unique=False)

    op.create_table(
        "stock_count_lines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("count_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("on_hand_at_count", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.Column("counted_by", sa.String(length=36), nullable=False),
        sa.Column("movement_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["count_id"], ["stock_counts.id"], name=op.f("fk_stock_count_lines_count_id_stock_counts")
        ),
        sa.ForeignKeyConstraint(["counted_by"], ["staff.id"], name=op.f("fk_stock_count_lines_counted_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count_lines")),
        sa.UniqueConstraint("count_id", "sku", name=op.f("uq_stock_count_lines_count_id")),
    )
    with op.batch_alter_table("stock_count_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_count_lines_count_id"), ["count_id"], unique=False)

    op.create_table(
        "low_stock_thresholds",
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("min_qty", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_low_stock_thresholds")),
    )
    op.create_table(
        "remote_stock",
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("location", sa.String(length=32), nullable=False),
        sa.Column("location_name", sa.String(length=80), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sku", "location", name=op.f("pk_remote_stock")),
    )
    op.create_table(
        "reconciliation_items",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=True),
        sa.Column("ref_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_items")),
    )


def downgrade() -> None:
    op.drop_table("reconciliation_items")
    op.drop_table("remote_stock")
    op.drop_table("low_stock_thresholds")
    with op.batch_alter_table("stock_count_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_count_lines_count_id"))
    op.drop_table("stock_count_lines")
    with op.batch_alter_table("stock_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_counts_state"))
    op.drop_table("stock_counts")
