"""the printer lease: one store-server process prints at a time

Revision ID: 0009_printer_lease
Revises: 0002_print_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_printer_lease"
down_revision = "0002_print_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "printer_lease",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("printer_lease")
