"""stock transfers between stores: the transfers central holds in transit and what arrived (issue 17, point 6)

Revision ID: 0009_transfers
Revises: 0008_merge_round_heads
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_transfers"
down_revision = "0008_merge_round_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("from_store", sa.String(length=32), nullable=False),
        sa.Column("to_store", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index(op.f("ix_transfers_from_store"), "transfers", ["from_store"])
    op.create_index(op.f("ix_transfers_to_store"), "transfers", ["to_store"])
    op.create_index("ix_transfers_status", "transfers", ["status"])
    op.create_table(
        "transfer_lines",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transfer_id", sa.String(length=36), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("requested", sa.BigInteger(), nullable=True),
        sa.Column("sent", sa.BigInteger(), nullable=True),
        sa.Column("received", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_lines")),
    )
    op.create_index(op.f("ix_transfer_lines_transfer_id"), "transfer_lines", ["transfer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_transfer_lines_transfer_id"), table_name="transfer_lines")
    op.drop_table("transfer_lines")
    op.drop_index("ix_transfers_status", table_name="transfers")
    op.drop_index(op.f("ix_transfers_to_store"), table_name="transfers")
    op.drop_index(op.f("ix_transfers_from_store"), table_name="transfers")
    op.drop_table("transfers")
