"""sync_status: the store's clock skew as the central store measured it, and central's bound (issue 19); one head
again after the bigint, sessions and security branches

Revision ID: 0012_ops19_clock_skew
Revises: 0011_bigint_money, 0011_sessions_and_throttle, 0011_store_security
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_ops19_clock_skew"
down_revision = ("0011_bigint_money", "0011_sessions_and_throttle", "0011_store_security")
branch_labels = None
depends_on = None

COLUMNS = (
    ("clock_skew_seconds", sa.Float()),
    ("clock_skew_bound_seconds", sa.Integer()),
    ("clock_checked_at", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("sync_status") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_status") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
