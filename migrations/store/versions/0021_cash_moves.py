"""cash moved in and out of a till's drawer during a shift: drops to the safe, store expenses, more change

Revision ID: 0021_cash_moves
Revises: 0020_stock_ledger_by_rowid
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_cash_moves"
down_revision = "0020_stock_ledger_by_rowid"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cash_moves",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("shift_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=120), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_cash_moves_shift_id_shifts")),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name=op.f("fk_cash_moves_till_id_tills")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_cash_moves_staff_id_staff")),
        sa.ForeignKeyConstraint(["approved_by"], ["staff.id"], name=op.f("fk_cash_moves_approved_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_moves")),
    )
    op.create_index(op.f("ix_cash_moves_shift_id"), "cash_moves", ["shift_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_cash_moves_shift_id"), table_name="cash_moves")
    op.drop_table("cash_moves")
