"""stock transfers with other stores, and the chain's stores the feed announces (issue 17, point 6)

Revision ID: 0012_transfers
Revises: 0011_bigint_money
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_transfers"
down_revision = "0011_bigint_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("from_store", sa.String(length=32), nullable=False),
        sa.Column("from_name", sa.String(length=80), nullable=False),
        sa.Column("to_store", sa.String(length=32), nullable=False),
        sa.Column("to_name", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index(op.f("ix_transfers_status"), "transfers", ["status"])
    op.create_table(
        "transfer_lines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("requested", sa.BigInteger(), nullable=True),
        sa.Column("sent", sa.BigInteger(), nullable=True),
        sa.Column("received", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_lines")),
    )
    op.create_index(op.f("ix_transfer_lines_transfer_id"), "transfer_lines", ["transfer_id"])
    op.create_table(
        "known_stores",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_stores")),
    )


def downgrade() -> None:
    op.drop_table("known_stores")
    op.drop_index(op.f("ix_transfer_lines_transfer_id"), table_name="transfer_lines")
    op.drop_table("transfer_lines")
    op.drop_index(op.f("ix_transfers_status"), table_name="transfers")
    op.drop_table("transfers")
