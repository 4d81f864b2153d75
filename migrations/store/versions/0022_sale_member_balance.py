"""the member's points balance right after a sale, kept with the sale's member: a reprint and the digital receipt
behind the QR show the "Saldo poin" the paper receipt printed (it was not kept, so they showed none)

Revision ID: 0022_sale_member_balance
Revises: 0021_cash_moves
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_sale_member_balance"
down_revision = "0021_cash_moves"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sale_members") as t:
        t.add_column(sa.Column("points_balance", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sale_members") as t:
        t.drop_column("points_balance")
