"""cash_moves.staff_name and approver_name: who moved the cash and who approved it, as head office reads them (the
store sends the names with each move; central keeps no staff list)

Revision ID: 0016_cash_move_names
Revises: 0015_cash_moves
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_cash_move_names"
down_revision = "0015_cash_moves"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cash_moves") as t:
        t.add_column(sa.Column("staff_name", sa.String(length=120), nullable=True))
        t.add_column(sa.Column("approver_name", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cash_moves") as t:
        t.drop_column("approver_name")
        t.drop_column("staff_name")
