"""cash_moves: each cash move in or out of a store till's drawer during a shift (cash.moved), so head office sees
safe drops and store expenses and checks each Z report's cash out and in against them

Revision ID: 0015_cash_moves
Revises: 0014_store_timezone
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_cash_moves"
down_revision = "0014_store_timezone"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cash_moves",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.String(length=32), nullable=False),
        sa.Column("till_id", sa.String(length=16), nullable=False),
        sa.Column("shift_id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=120), nullable=True),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("moved_at", sa.DateTime(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_moves")),
    )
    op.create_index(op.f("ix_cash_moves_shift_id"), "cash_moves", ["shift_id"])
    op.create_index("ix_cash_moves_store_moved", "cash_moves", ["store_id", "moved_at"])


def downgrade() -> None:
    op.drop_index("ix_cash_moves_store_moved", table_name="cash_moves")
    op.drop_index(op.f("ix_cash_moves_shift_id"), table_name="cash_moves")
    op.drop_table("cash_moves")
